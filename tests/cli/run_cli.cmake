# Runs CMD (a ;-list) and checks its exit code and output.
#   EXIT      expected exit code (or taken from EXPECTED's first line "exit N")
#   PATTERN   a regex that stdout+stderr must match
#   EXPECTED  a file holding "exit N" and then the exact expected stdout+stderr
#   SCRUB     if set, times ("0.01 s") read "T s" and "found by ..." detector lines are
#             dropped before the comparison, so that a check's whole output can be pinned
#             in every build
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(SCRUB)
  string(REGEX REPLACE "[0-9]+\\.[0-9]+ s([;)])" "T s\\1" all "${all}")
  # Which detectors saw a race depends on the build (TSan's line exists only in tsan builds).
  string(REGEX REPLACE "\n *found by [^\n]*" "" all "${all}")
endif()
if(DEFINED EXPECTED)
  file(READ "${EXPECTED}" expected)
  string(REGEX MATCH "^exit ([0-9]+)\n" head "${expected}")
  if(NOT head)
    message(FATAL_ERROR "${EXPECTED} must start with a line 'exit N'")
  endif()
  set(EXIT "${CMAKE_MATCH_1}")
  string(LENGTH "${head}" head_len)
  string(SUBSTRING "${expected}" ${head_len} -1 expected)
  if(NOT all STREQUAL expected)
    file(WRITE "${EXPECTED}.actual" "exit ${rc}\n${all}")
    message(FATAL_ERROR "output differs from ${EXPECTED}\n--- expected ---\n${expected}\n--- actual (saved as ${EXPECTED}.actual) ---\n${all}")
  endif()
endif()
if(NOT rc STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}\n${all}")
endif()
if(DEFINED PATTERN AND NOT all MATCHES "${PATTERN}")
  message(FATAL_ERROR "output does not match /${PATTERN}/:\n${all}")
endif()
