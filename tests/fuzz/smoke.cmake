# Runs the fuzz target for SECONDS on a fresh copy of the seed corpus (the scenarios plus
# hand-made hostile inputs), so the run never writes into the source tree.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus")
file(GLOB_RECURSE seeds "${SEEDS}/*.scn" "${EXTRA_SEEDS}/*")
foreach(seed IN LISTS seeds)
  string(SHA1 id "${seed}")
  file(COPY_FILE "${seed}" "${WORK}/corpus/${id}")
endforeach()
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -max_len=65536 -timeout=10 -rss_limit_mb=4096
          -artifact_prefix=${WORK}/ -print_final_stats=1 "${WORK}/corpus"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the front-end fuzzer found a crash or hang (exit ${rc}); the input is in ${WORK}")
endif()
