# Ctrl-C: the exploration stops cleanly, the summary and the reports are still written
# with the runs made, and the exit code is 130. Then: the live progress line appears on a
# terminal (a pseudo-terminal made by script(1)) and never off one.
#   INTERLEAVE  the binary   WORK  a scratch folder
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(
  # In tsan builds this also covers the SIGINT watcher thread (run.cpp: a signal must not
  # be queued for a scenario fiber).
  COMMAND timeout --preserve-status -s INT 2 "${INTERLEAVE}" check --runs 1000000000 --time 600 --full-budget
          --json "${WORK}/interrupted.json" --junit "${WORK}/interrupted.xml" tests/cli/scenarios/big_locked_balance.scn
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 130)
  message(FATAL_ERROR "after SIGINT the exit code is ${rc}, not 130\n${out}${err}")
endif()
if(NOT out MATCHES "interrupted: the results above cover the runs made before Ctrl-C")
  message(FATAL_ERROR "the summary does not say it was interrupted:\n${out}")
endif()
if(NOT EXISTS "${WORK}/interrupted.xml")
  message(FATAL_ERROR "the JUnit report was not written after SIGINT")
endif()
file(READ "${WORK}/interrupted.json" doc)
string(JSON interrupted GET "${doc}" scenarios 0 interrupted)
string(JSON runs GET "${doc}" scenarios 0 runs)
if(NOT interrupted OR runs EQUAL 0)
  message(FATAL_ERROR "the JSON report does not record an interrupted campaign with runs: ${interrupted}, ${runs}")
endif()

# Progress: shown on a terminal, and not in a pipe (as in CI logs).
execute_process(
  COMMAND script -qec "${INTERLEAVE} check --runs 1000000000 --time 1.5 --full-budget tests/cli/scenarios/big_locked_balance.scn"
          /dev/null
  RESULT_VARIABLE rc OUTPUT_VARIABLE tty_out ERROR_VARIABLE tty_err)
# A machine without pseudo-terminals (a chroot or container without /dev/pts) cannot show
# a terminal at all: that part is skipped there, the rest still runs.
if("${tty_out}${tty_err}" MATCHES "failed to create pseudo-terminal" OR rc MATCHES "No such file")
  message(STATUS "no pseudo-terminal here: the terminal half of the progress check is skipped")
elseif(NOT tty_out MATCHES "tests/cli/scenarios/big_locked_balance.scn: [0-9]+ of 1000000000 runs, [0-9]+ runs/s, 0 findings, [0-9]+ s left")
  message(FATAL_ERROR "no live progress line on a terminal:\n${tty_out}${tty_err}")
endif()
execute_process(
  COMMAND "${INTERLEAVE}" check --runs 1000000000 --time 1.5 --full-budget tests/cli/scenarios/big_locked_balance.scn
  RESULT_VARIABLE rc OUTPUT_VARIABLE pipe_out ERROR_VARIABLE pipe_err)
if(pipe_err MATCHES "runs/s" OR pipe_out MATCHES "runs/s")
  message(FATAL_ERROR "a progress line was printed off a terminal:\n${pipe_out}${pipe_err}")
endif()
if(NOT pipe_out MATCHES "stopped by the time budget")
  message(FATAL_ERROR "the time budget was not reported:\n${pipe_out}")
endif()
