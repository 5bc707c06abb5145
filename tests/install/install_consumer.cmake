# Installs an Interleave build to a fresh prefix and uses it as a user would
# (docs/cmake.md):
#   1. cmake --install BUILD_DIR --prefix WORK_DIR/prefix; the binary and the package files are there;
#   2. examples/consumer configures with -DCMAKE_PREFIX_PATH=WORK_DIR/prefix, finds that
#      package (not another one), builds, and its ctest passes: one test per scenario, with
#      the command, budget and labels interleave_add_scenarios() was given;
#   3. a copy of the example with a racy scenario that expects to be clean (two threads
#      incrementing an unlocked counter), and two labels: its ctest fails, on that scenario
#      only, and for the race.
# Variables: BUILD_DIR CONFIG CONSUMER_DIR WORK_DIR GENERATOR MAKE_PROGRAM CTEST VERSION.
cmake_minimum_required(VERSION 3.25)

foreach(var IN ITEMS BUILD_DIR CONSUMER_DIR WORK_DIR GENERATOR CTEST VERSION)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_consumer.cmake: -D ${var}=... is required")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Runs a command (in WORKING_DIRECTORY, if given); fails the test unless its exit code is
# EXPECT_RC ("0", or "nonzero").
# The output is left in the variable named by OUTPUT.
function(run step)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "EXPECT_RC;OUTPUT;WORKING_DIRECTORY" "COMMAND")
  if(NOT DEFINED arg_EXPECT_RC)
    set(arg_EXPECT_RC 0)
  endif()
  if(NOT DEFINED arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  set(all "${out}${err}")
  if(arg_EXPECT_RC STREQUAL "nonzero")
    set(ok FALSE)
    if(NOT rc STREQUAL "0" AND rc MATCHES "^[0-9]+$")
      set(ok TRUE)
    endif()
  else()
    set(ok FALSE)
    if(rc STREQUAL "0")
      set(ok TRUE)
    endif()
  endif()
  if(NOT ok)
    string(REPLACE ";" " " cmd "${arg_COMMAND}")
    message(FATAL_ERROR "${step}: exit code ${rc}, expected ${arg_EXPECT_RC}\n  ${cmd}\n${all}")
  endif()
  message(STATUS "ok: ${step}")
  if(arg_OUTPUT)
    set(${arg_OUTPUT} "${all}" PARENT_SCOPE)
  endif()
endfunction()

function(require condition_text)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "${condition_text}")
  endif()
endfunction()

# The tests of a configured consumer as ctest sees them: a JSON array of
# {"name", "command", "labels"} objects, in OUT.
function(list_tests build_dir out)
  execute_process(COMMAND ${CTEST} --test-dir ${build_dir} --show-only=json-v1
                  RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ctest --show-only=json-v1 failed in ${build_dir}:\n${err}")
  endif()
  string(JSON count LENGTH "${json}" tests)
  set(result "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON name GET "${json}" tests ${i} name)
      string(JSON ncmd LENGTH "${json}" tests ${i} command)
      set(command "")
      math(EXPR lastarg "${ncmd} - 1")
      foreach(j RANGE ${lastarg})
        string(JSON arg GET "${json}" tests ${i} command ${j})
        string(APPEND command " ${arg}")
      endforeach()
      set(labels "")
      string(JSON nprops LENGTH "${json}" tests ${i} properties)
      math(EXPR lastprop "${nprops} - 1")
      foreach(j RANGE ${lastprop})
        string(JSON pname GET "${json}" tests ${i} properties ${j} name)
        if(pname STREQUAL "LABELS")
          string(JSON nlabels LENGTH "${json}" tests ${i} properties ${j} value)
          math(EXPR lastlabel "${nlabels} - 1")
          foreach(k RANGE ${lastlabel})
            string(JSON label GET "${json}" tests ${i} properties ${j} value ${k})
            list(APPEND labels "${label}")
          endforeach()
        endif()
      endforeach()
      string(REPLACE ";" "|" labels "${labels}")
      list(APPEND result "${name} =>${command} [${labels}]")
    endforeach()
  endif()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

set(generator_args -G "${GENERATOR}")
if(MAKE_PROGRAM)
  list(APPEND generator_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()

# 1. Install.
run("cmake --install to ${prefix}" COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" ${config_args})
set(cli "${prefix}/bin/interleave")
foreach(file IN ITEMS bin/interleave lib/cmake/interleave/interleaveConfig.cmake
                      lib/cmake/interleave/interleaveConfigVersion.cmake lib/cmake/interleave/interleaveTargets.cmake
                      lib/cmake/interleave/InterleaveScenarios.cmake)
  require("not installed: ${prefix}/${file}" EXISTS "${prefix}/${file}")
endforeach()
run("the installed binary runs" COMMAND "${cli}" --version OUTPUT version_out)
require("interleave --version does not print ${VERSION}:\n${version_out}" version_out MATCHES "${VERSION}")

# 2. The example as it is: found, built, and passing.
set(consumer_build "${WORK_DIR}/consumer-build")
run("examples/consumer configures against the prefix"
    COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${consumer_build}" ${generator_args}
            "-DCMAKE_PREFIX_PATH=${prefix}" OUTPUT configure_out)
require("examples/consumer did not find the package in ${prefix}:\n${configure_out}"
        configure_out MATCHES "Interleave ${VERSION}: ${prefix}/lib/cmake/interleave")
run("examples/consumer builds" COMMAND "${CMAKE_COMMAND}" --build "${consumer_build}")
list_tests("${consumer_build}" tests)
set(want "scenario: locked_counter.scn => ${cli} check --runs 2000 --time 10 scenarios/locked_counter.scn [concurrency]")
require("examples/consumer's tests are not as expected:\n  ${tests}\nwanted\n  ${want}" tests STREQUAL want)
run("examples/consumer's ctest passes"
    COMMAND "${CTEST}" --test-dir "${consumer_build}" --output-on-failure --no-tests=error OUTPUT ctest_out)
require("examples/consumer's ctest did not run one passing test:\n${ctest_out}"
        ctest_out MATCHES "100% tests passed, 0 tests failed out of 1")

# 3. A copy with a racy scenario that claims to be clean: its ctest must fail.
set(racy "${WORK_DIR}/racy-consumer")
file(MAKE_DIRECTORY "${racy}")
file(COPY "${CONSUMER_DIR}/CMakeLists.txt" "${CONSUMER_DIR}/scenarios" DESTINATION "${racy}")
# Two labels: LABELS must reach ctest as a list, not as one "concurrency;nightly" label.
file(READ "${racy}/CMakeLists.txt" lists)
string(REPLACE "LABELS concurrency" "LABELS concurrency nightly" racy_lists "${lists}")
require("examples/consumer/CMakeLists.txt has no 'LABELS concurrency'" NOT racy_lists STREQUAL lists)
file(WRITE "${racy}/CMakeLists.txt" "${racy_lists}")
file(WRITE "${racy}/scenarios/racy_counter.scn" [=[
# Two threads increment a counter without a lock, yet the file claims it is clean.
about "two threads increment an unlocked counter"

shared counter = 0

thread worker:
    counter = counter + 1

main:
    let t1 = spawn worker()
    let t2 = spawn worker()
    join t1
    join t2

final counter == 2

expect clean
]=])
set(racy_build "${WORK_DIR}/racy-consumer-build")
run("the racy copy configures"
    COMMAND "${CMAKE_COMMAND}" -S "${racy}" -B "${racy_build}" ${generator_args} "-DCMAKE_PREFIX_PATH=${prefix}")
run("the racy copy builds" COMMAND "${CMAKE_COMMAND}" --build "${racy_build}")
list_tests("${racy_build}" tests)
set(want
    "scenario: locked_counter.scn => ${cli} check --runs 2000 --time 10 scenarios/locked_counter.scn [concurrency|nightly]"
    "scenario: racy_counter.scn => ${cli} check --runs 2000 --time 10 scenarios/racy_counter.scn [concurrency|nightly]")
require("the racy copy's tests are not as expected:\n  ${tests}\nwanted\n  ${want}" tests STREQUAL want)
run("the racy copy's ctest fails"
    COMMAND "${CTEST}" --test-dir "${racy_build}" --output-on-failure --no-tests=error EXPECT_RC nonzero
    OUTPUT racy_out)
require("the racy copy's ctest should fail on racy_counter.scn alone:\n${racy_out}"
        racy_out MATCHES "50% tests passed, 1 tests failed out of 2")
require("the racy copy's ctest failed, but not on racy_counter.scn:\n${racy_out}"
        racy_out MATCHES "scenario: racy_counter.scn[ .]*\\*\\*\\*Failed")
require("the racy copy's ctest failed, but not for the race on counter:\n${racy_out}"
        racy_out MATCHES "FAIL +scenarios/racy_counter.scn" AND racy_out MATCHES "race on counter")
# Labels select tests as a list element, not as a substring of "concurrency;nightly".
run("ctest -L nightly selects both scenarios"
    COMMAND "${CTEST}" --test-dir "${racy_build}" -N -L "^nightly$" OUTPUT nightly_out)
require("ctest -L '^nightly$' does not list 2 tests:\n${nightly_out}" nightly_out MATCHES "Total Tests: 2")

# The SARIF report of the racy copy puts the race on the line of the .scn file that makes
# it: `counter = counter + 1` is line 7 of racy_counter.scn, for both accesses.
run("the installed interleave writes SARIF for the racy copy"
    COMMAND "${cli}" check --runs 2000 --sarif "${WORK_DIR}/racy.sarif" scenarios/racy_counter.scn
    WORKING_DIRECTORY "${racy}" EXPECT_RC nonzero)
file(READ "${WORK_DIR}/racy.sarif" sarif)
string(JSON results LENGTH "${sarif}" runs 0 results)
set(race_line "")
math(EXPR last "${results} - 1")
foreach(i RANGE ${last})
  string(JSON rule GET "${sarif}" runs 0 results ${i} ruleId)
  if(rule STREQUAL "interleave/race")
    string(JSON uri GET "${sarif}" runs 0 results ${i} locations 0 physicalLocation artifactLocation uri)
    string(JSON race_line GET "${sarif}" runs 0 results ${i} locations 0 physicalLocation region startLine)
    string(JSON level GET "${sarif}" runs 0 results ${i} level)
  endif()
endforeach()
require("the SARIF report has no race result:\n${sarif}" race_line MATCHES "^[0-9]+$")
require("the SARIF race is at ${uri}:${race_line} (${level}), not scenarios/racy_counter.scn:7 (error)"
        uri STREQUAL "scenarios/racy_counter.scn" AND race_line EQUAL 7 AND level STREQUAL "error")
