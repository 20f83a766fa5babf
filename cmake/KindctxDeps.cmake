# Finds libcjson (runtime) and, for tests, cmocka. pkg-config first, then the
# packages' own CMake config files. Stops with the Debian packages to install.
find_package(PkgConfig QUIET)

if(PKG_CONFIG_FOUND)
  pkg_check_modules(CJSON QUIET IMPORTED_TARGET libcjson)
endif()
if(CJSON_FOUND)
  add_library(kindctx_cjson INTERFACE)
  target_link_libraries(kindctx_cjson INTERFACE PkgConfig::CJSON)
  set(KINDCTX_CJSON_PC libcjson)
else()
  find_package(cJSON CONFIG QUIET)
  if(cJSON_FOUND)
    add_library(kindctx_cjson INTERFACE)
    target_include_directories(kindctx_cjson INTERFACE ${CJSON_INCLUDE_DIRS})
    target_link_libraries(kindctx_cjson INTERFACE ${CJSON_LIBRARIES})
  else()
    message(FATAL_ERROR
      "libcjson was not found. On Debian/Ubuntu install it with:\n"
      "  apt-get install -y libcjson-dev pkg-config\n"
      "or run scripts/setup.sh, which installs everything the build needs.")
  endif()
endif()

if(KINDCTX_BUILD_TESTS)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(CMOCKA QUIET IMPORTED_TARGET cmocka)
  endif()
  if(CMOCKA_FOUND)
    add_library(kindctx_cmocka INTERFACE)
    target_link_libraries(kindctx_cmocka INTERFACE PkgConfig::CMOCKA)
  else()
    find_package(cmocka CONFIG QUIET)
    if(cmocka_FOUND)
      add_library(kindctx_cmocka INTERFACE)
      target_include_directories(kindctx_cmocka INTERFACE ${CMOCKA_INCLUDE_DIR})
      target_link_libraries(kindctx_cmocka INTERFACE ${CMOCKA_LIBRARIES})
    else()
      message(FATAL_ERROR
        "cmocka (needed for the tests) was not found. On Debian/Ubuntu:\n"
        "  apt-get install -y libcmocka-dev\n"
        "or configure with -DKINDCTX_BUILD_TESTS=OFF to build without tests.")
    endif()
  endif()
endif()
