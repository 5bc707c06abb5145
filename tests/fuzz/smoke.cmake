# Runs the fuzz target on RUNS inputs from a fresh copy of the seed corpus (the scenarios plus
# hand-made hostile inputs), so the run never writes into the source tree.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus")
file(GLOB_RECURSE seeds "${SEEDS}/*.scn" "${EXTRA_SEEDS}/*")
foreach(seed IN LISTS seeds)
  string(SHA1 id "${seed}")
  file(COPY_FILE "${seed}" "${WORK}/corpus/${id}")
endforeach()
execute_process(
  # A fixed number of inputs (RUNS), so that CI does the same work on any machine; the
  # dictionary grows long operator chains and deep nesting.
  COMMAND "${FUZZER}" -runs=${RUNS} -seed=1 -dict=${DICT} -max_len=65536 -timeout=10 -rss_limit_mb=4096
          -artifact_prefix=${WORK}/ -print_final_stats=1 "${WORK}/corpus"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the front-end fuzzer found a crash or hang (exit ${rc}); the input is in ${WORK}")
endif()
