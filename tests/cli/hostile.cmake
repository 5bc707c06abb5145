# Hostile inputs and exhausted resources (issue 14): each must end in a clear error with
# exit code 2, never a hang, a crash, exit 0 or an internal error, and never destroy a file.
#   INTERLEAVE  the binary   WORK  a scratch folder   CASE  which case
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(scn "${CMAKE_CURRENT_LIST_DIR}/../../scenarios/seed/balance_locked.scn")

# Runs the command (a list), with a timeout so that a hang fails instead of blocking.
function(run expected_rc expected_output)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60
                  ${run_extra})
  if(NOT rc STREQUAL "${expected_rc}")
    message(FATAL_ERROR "${ARGN}\nexit code ${rc}, expected ${expected_rc}\n${out}${err}")
  endif()
  if(expected_output MATCHES "^REGEX:")
    string(SUBSTRING "${expected_output}" 6 -1 pattern)
    if(NOT "${out}${err}" MATCHES "${pattern}")
      message(FATAL_ERROR "${ARGN}\n--- expected /${pattern}/ ---\n--- actual ---\n${out}${err}")
    endif()
  elseif(NOT "${out}${err}" STREQUAL "${expected_output}")
    message(FATAL_ERROR "${ARGN}\n--- expected ---\n${expected_output}\n--- actual ---\n${out}${err}")
  endif()
endfunction()

if(CASE STREQUAL "stdout")
  # Regression: write errors on standard output gave exit 0 (check) or 3 (format).
  set(run_extra OUTPUT_FILE /dev/full)
  set(full "interleave: error: cannot write to standard output: No space left on device\n")
  run(2 "${full}" "${INTERLEAVE}" check --runs 20 --stress-time 0 "${scn}")
  run(2 "${full}" "${INTERLEAVE}" format "${scn}")
  run(2 "${full}" "${INTERLEAVE}" explain "${scn}")
  set(run_extra OUTPUT_QUIET)
  run(0 "" "${INTERLEAVE}" check --runs 20 --stress-time 0 --json "${WORK}/a.json" "${scn}")
  set(run_extra OUTPUT_FILE /dev/full)
  run(2 "${full}" "${INTERLEAVE}" merge "${WORK}/a.json")
  # A report to a device is written in place and checked, not renamed over the device.
  set(run_extra OUTPUT_QUIET)
  run(2 "/dev/full: error: cannot write the report: write failed: No space left on device\n"
      "${INTERLEAVE}" check --runs 20 --stress-time 0 --json /dev/full "${scn}")
elseif(CASE STREQUAL "report-paths")
  # Regression: `check --json x.scn x.scn` overwrote the scenario; one path for several
  # reports was accepted. Both are refused before any work (nothing on stdout).
  file(COPY "${scn}" DESTINATION "${WORK}")
  set(x "${WORK}/balance_locked.scn")
  file(READ "${x}" before)
  run(2 "${x}: error: --json would overwrite an input of this command; give the report another path\n"
      "${INTERLEAVE}" check --json "${x}" "${x}")
  run(2 "${WORK}/./balance_locked.scn: error: --sarif would overwrite an input of this command; give the report another path\n"
      "${INTERLEAVE}" check --sarif "${WORK}/./balance_locked.scn" "${WORK}")
  file(READ "${x}" after)
  if(NOT before STREQUAL after)
    message(FATAL_ERROR "the scenario was overwritten")
  endif()
  run(2 "${WORK}/o: error: --json and --junit would write to the same file; give each report its own path\n"
      "${INTERLEAVE}" check --json "${WORK}/o" --junit "${WORK}/o" "${scn}")
  if(EXISTS "${WORK}/o")
    message(FATAL_ERROR "a report was written although the paths were refused")
  endif()
  run(2 "${WORK}/m.json: error: --json would overwrite an input of this command; give the report another path\n"
      "${INTERLEAVE}" merge "${WORK}/m.json" --json "${WORK}/m.json")
  # Written by rename: an old report is replaced whole, and no temporary file stays.
  file(WRITE "${WORK}/r.json" "old")
  set(run_extra OUTPUT_QUIET)
  run(0 "" "${INTERLEAVE}" check --runs 20 --stress-time 0 --json "${WORK}/r.json" "${scn}")
  file(READ "${WORK}/r.json" doc)
  string(JSON version GET "${doc}" version)
  file(GLOB left "${WORK}/.r.json.tmp-*")
  if(NOT version EQUAL 1 OR left)
    message(FATAL_ERROR "the report was not replaced cleanly: ${left}")
  endif()
  run(2 "${WORK}/no/r.json: error: cannot write the report: cannot create a temporary file in ${WORK}/no: No such file or directory\n"
      "${INTERLEAVE}" check --runs 20 --stress-time 0 --json "${WORK}/no/r.json" "${scn}")
elseif(CASE STREQUAL "fifo")
  # Regression: a FIFO given as a scenario hung every command forever.
  execute_process(COMMAND mkfifo "${WORK}/f.scn" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "mkfifo failed")
  endif()
  set(refused "${WORK}/f.scn: error: is not a regular file (a FIFO, socket or device); give a regular file\n")
  run(2 "${refused}" "${INTERLEAVE}" explain "${WORK}/f.scn")
  run(2 "${refused}" "${INTERLEAVE}" check "${WORK}")
  run(2 "${refused}" "${INTERLEAVE}" merge "${WORK}/f.scn")
  run(2 "${refused}" "${INTERLEAVE}" replay "${WORK}/f.scn" --schedule v2-0000000000000000-00000000-)
elseif(CASE STREQUAL "unreadable-folder")
  # Regression: a sub-folder that cannot be read was skipped and the gate passed. As root
  # every folder is readable: the command then runs as nobody (setpriv, util-linux).
  file(MAKE_DIRECTORY "${WORK}/dir/locked")
  file(COPY "${scn}" DESTINATION "${WORK}/dir")
  file(COPY "${scn}" DESTINATION "${WORK}/dir/locked")
  execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(as)
  if(uid STREQUAL "0")
    find_program(setpriv setpriv)
    if(NOT setpriv)
      message("SKIP: running as root without setpriv")
      return()
    endif()
    set(as ${setpriv} --reuid=65534 --regid=65534 --clear-groups)
    execute_process(COMMAND chmod -R a+rX "${WORK}")
  endif()
  execute_process(COMMAND chmod 000 "${WORK}/dir/locked")
  run(2 "REGEX:^PASS  ${WORK}/dir/balance_locked.scn [^\n]*\n${WORK}/dir/locked: error: cannot read directory: Permission denied\n$"
      ${as} "${INTERLEAVE}" check --runs 20 --stress-time 0 "${WORK}/dir")
  execute_process(COMMAND chmod 755 "${WORK}/dir/locked")
else()
  message(FATAL_ERROR "unknown CASE ${CASE}")
endif()
