# Per-target build settings: every Interleave target links interleave_build_options privately,
# so warnings and sanitizers never leak into global CMAKE_CXX_FLAGS or into users' targets.
add_library(interleave_build_options INTERFACE)
target_compile_features(interleave_build_options INTERFACE cxx_std_20)
target_compile_options(interleave_build_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  $<$<BOOL:${INTERLEAVE_WERROR}>:-Werror>)

if(INTERLEAVE_SANITIZE STREQUAL "thread")
  target_compile_options(interleave_build_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(interleave_build_options INTERFACE -fsanitize=thread)
elseif(INTERLEAVE_SANITIZE STREQUAL "address")
  target_compile_options(interleave_build_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(interleave_build_options INTERFACE -fsanitize=address,undefined)
elseif(NOT INTERLEAVE_SANITIZE STREQUAL "")
  message(FATAL_ERROR "INTERLEAVE_SANITIZE must be '', 'thread' or 'address', not '${INTERLEAVE_SANITIZE}'")
endif()

# libFuzzer ships with clang only; the fuzz target is skipped (with a message) elsewhere.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(INTERLEAVE_HAVE_LIBFUZZER ON)
else()
  set(INTERLEAVE_HAVE_LIBFUZZER OFF)
endif()
