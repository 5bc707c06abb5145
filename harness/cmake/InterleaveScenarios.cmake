# interleave_add_scenarios(): one ctest test per scenario file of a folder (docs/cmake.md).
#
#   interleave_add_scenarios(DIRECTORY dir
#                            [LABELS label...]          default: scenario
#                            [BUDGET runs]              default: 20000 (check's --runs)
#                            [TIME seconds]             default: 10 (check's --time)
#                            [PREFIX name]              default: scenario
#                            [EXTRA_ARGS arg...]        more options of `interleave check`
#                            [WORKING_DIRECTORY dir]    default: PROJECT_SOURCE_DIR
#                            [TIMEOUT seconds])         default: 300 (ctest's TIMEOUT)
#
# Finds dir/**/*.scn (CONFIGURE_DEPENDS: a new file is picked up at the next build) and adds,
# for each file, the test "<PREFIX>: <path relative to dir>" that runs
#
#   interleave check --runs BUDGET --time TIME EXTRA_ARGS... FILE
#
# in WORKING_DIRECTORY, FILE being relative to it when it lies inside it. The test passes
# when the scenario's findings equal its `expect` lines (exit code 0) and fails otherwise.
#
# The command is the executable target interleave::cli: the imported target of the
# installed package (find_package(interleave)), or the alias of the in-tree `interleave`
# target when Interleave is part of the build (add_subdirectory, FetchContent).

function(interleave_add_scenarios)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "DIRECTORY;BUDGET;TIME;PREFIX;WORKING_DIRECTORY;TIMEOUT"
                        "LABELS;EXTRA_ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "interleave_add_scenarios: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_DIRECTORY)
    message(FATAL_ERROR "interleave_add_scenarios: DIRECTORY is required (the folder of the *.scn files)")
  endif()
  if(NOT TARGET interleave::cli)
    message(FATAL_ERROR "interleave_add_scenarios: there is no target interleave::cli; "
                        "call find_package(interleave REQUIRED) first")
  endif()
  if(NOT DEFINED arg_LABELS)
    set(arg_LABELS scenario)
  endif()
  if(NOT DEFINED arg_BUDGET)
    set(arg_BUDGET 20000)
  endif()
  if(NOT DEFINED arg_TIME)
    set(arg_TIME 10)
  endif()
  if(NOT DEFINED arg_PREFIX)
    set(arg_PREFIX scenario)
  endif()
  if(NOT DEFINED arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  endif()
  if(NOT DEFINED arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  foreach(number IN ITEMS BUDGET TIME TIMEOUT)
    if(NOT arg_${number} MATCHES "^[0-9]+$" OR arg_${number} EQUAL 0)
      message(FATAL_ERROR "interleave_add_scenarios: ${number} must be a positive whole number, not '${arg_${number}}'")
    endif()
  endforeach()

  get_filename_component(dir "${arg_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(workdir "${arg_WORKING_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "interleave_add_scenarios: DIRECTORY '${arg_DIRECTORY}' is not a folder (${dir})")
  endif()

  file(GLOB_RECURSE scenarios CONFIGURE_DEPENDS RELATIVE "${dir}" "${dir}/*.scn")
  list(SORT scenarios)
  if(NOT scenarios)
    message(WARNING "interleave_add_scenarios: no *.scn files in ${dir}")
  endif()

  foreach(scn IN LISTS scenarios)
    # The path as check prints it (and as its replay commands use it): relative to the
    # working directory when the file is inside it.
    file(RELATIVE_PATH path "${workdir}" "${dir}/${scn}")
    if(path MATCHES "^\\.\\./")
      set(path "${dir}/${scn}")
    endif()
    set(name "${arg_PREFIX}: ${scn}")
    add_test(NAME "${name}"
      COMMAND $<TARGET_FILE:interleave::cli> check --runs ${arg_BUDGET} --time ${arg_TIME} ${arg_EXTRA_ARGS} ${path}
      WORKING_DIRECTORY "${workdir}")
    # LABELS takes the whole ;-list as one argument.
    set_tests_properties("${name}" PROPERTIES LABELS "${arg_LABELS}" TIMEOUT ${arg_TIMEOUT})
  endforeach()
endfunction()
