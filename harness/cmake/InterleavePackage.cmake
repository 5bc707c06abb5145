# Install rules and the CMake package of Interleave (docs/cmake.md): the `interleave`
# binary in bin/, and in lib/cmake/interleave/ a package configuration that defines the
# imported executable interleave::cli and the function interleave_add_scenarios().
# Included by the top-level CMakeLists.txt when INTERLEAVE_INSTALL is on (by default only
# when Interleave is the top-level project).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# lib/cmake/ on every platform (not lib64/ or lib/<multiarch>/): the package holds no library.
set(INTERLEAVE_INSTALL_CMAKEDIR "lib/cmake/interleave"
    CACHE STRING "Where the CMake package configuration of Interleave is installed (relative to the prefix)")

# Exported as interleave::cli (in-tree the same name is an alias of `interleave`).
set_target_properties(interleave PROPERTIES EXPORT_NAME cli)
install(TARGETS interleave EXPORT interleaveTargets RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(EXPORT interleaveTargets NAMESPACE interleave:: DESTINATION "${INTERLEAVE_INSTALL_CMAKEDIR}")

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/interleaveConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/package/interleaveConfig.cmake"
  INSTALL_DESTINATION "${INTERLEAVE_INSTALL_CMAKEDIR}")
# 0.x: a minor version may break scenarios or options. The package holds a command, not
# a library, so a consumer of any architecture (or with no compiler at all) can use it.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/package/interleaveConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/package/interleaveConfig.cmake"
  "${PROJECT_BINARY_DIR}/package/interleaveConfigVersion.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/InterleaveScenarios.cmake"
  DESTINATION "${INTERLEAVE_INSTALL_CMAKEDIR}")
