# Install rules for everything but the two library targets and the command
# (lib/ and cli/ install those): headers, data, docs, the CMake package and
# kindctx.pc. Included from the root CMakeLists.txt after lib/ and cli/.
#
# Layout under the prefix (lib = CMAKE_INSTALL_LIBDIR: lib/x86_64-linux-gnu
# with prefix /usr on Debian, lib otherwise), by component = Debian package:
#   runtime (libkindctxMAJOR.MINOR)
#     lib/libkindctx.so.MAJOR.MINOR.PATCH and its SONAME link .so.MAJOR.MINOR
#   dev (libkindctx-dev)
#     include/kindctx.h, include/kindctx_version.h
#     lib/libkindctx.so (link), lib/libkindctx.a
#     lib/cmake/kindctx/   kindctxConfig.cmake, kindctxConfigVersion.cmake, targets
#     lib/pkgconfig/kindctx.pc
#     share/doc/libkindctx-dev/api.md
#   cli (kindctx)
#     bin/kindctx, share/man/man1/kindctx.1.gz
#     share/kindctx/rules/      the bundled rule files (also compiled into the library)
#     share/kindctx/schemas/    JSON Schemas of the file formats
#     share/kindctx/examples/scenarios/   what `kindctx examples` judges
#     share/doc/kindctx/        README and the format docs
#   each: share/doc/PACKAGE/copyright and changelog.gz (Debian wants both)
include(CMakePackageConfigHelpers)

set(KINDCTX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kindctx)
# Debian package names, which also name the doc folders. Runtime library
# packages are named after the SONAME: libkindctx.so.0.1 -> libkindctx0.1.
get_target_property(KINDCTX_SOVERSION kindctx SOVERSION)
set(KINDCTX_PKG_RUNTIME libkindctx${KINDCTX_SOVERSION})
set(KINDCTX_PKG_DEV libkindctx-dev)
set(KINDCTX_PKG_CLI kindctx)

set(KINDCTX_MAINTAINER "The kindctx authors <kindctx@example.org>"
    CACHE STRING "Maintainer named in the Debian package, copyright and changelog")
set(KINDCTX_COPYRIGHT "2026 The kindctx authors")

# ---- the link interface of the installed targets ---------------------------
# In the build tree kindctx and kindctx_static link kindctx_cjson, which wraps
# whatever cmake/KindctxDeps.cmake found (pkg-config's PkgConfig::CJSON or
# cJSON's own config). That choice belongs to the build machine, so the
# exported copy (kindctx::cjson) is left empty here and filled in by
# kindctxConfig.cmake on the consumer's machine. The build tree is unchanged:
# every value is kept, inside $<BUILD_INTERFACE:...>.
foreach(prop INTERFACE_LINK_LIBRARIES INTERFACE_INCLUDE_DIRECTORIES
             INTERFACE_COMPILE_DEFINITIONS INTERFACE_COMPILE_OPTIONS)
  get_target_property(value kindctx_cjson ${prop})
  if(value)
    list(TRANSFORM value PREPEND "$<BUILD_INTERFACE:")
    list(TRANSFORM value APPEND ">")
    set_property(TARGET kindctx_cjson PROPERTY ${prop} "${value}")
  endif()
endforeach()
set_target_properties(kindctx_cjson PROPERTIES EXPORT_NAME cjson)
install(TARGETS kindctx_cjson EXPORT kindctxTargets COMPONENT dev)

# ---- stripping as Debian does -----------------------------------------------
# When installing stripped (cmake --install --strip; CPack with
# CPACK_STRIP_FILES), do what Debian's dh_strip does beyond strip(1): drop
# the .comment and .note sections from the shared library and the command,
# and the debug information from the static library. Runs after lib/ and
# cli/ have installed their files (policy CMP0082).
if(CMAKE_STRIP)
  set(strip_sections "--remove-section=.comment --remove-section=.note")
  set(lib "\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}")
  set(bin "\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}")
  install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" ${strip_sections}
                            \"${lib}/$<TARGET_FILE_NAME:kindctx>\" COMMAND_ERROR_IS_FATAL ANY)
  endif()" COMPONENT runtime)
  install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug ${strip_sections}
                            --enable-deterministic-archives
                            \"${lib}/$<TARGET_FILE_NAME:kindctx_static>\" COMMAND_ERROR_IS_FATAL ANY)
  endif()" COMPONENT dev)
  if(TARGET kindctx_cli)
    install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" ${strip_sections}
                            \"${bin}/$<TARGET_FILE_NAME:kindctx_cli>\" COMMAND_ERROR_IS_FATAL ANY)
  endif()" COMPONENT cli)
  endif()
endif()

# ---- headers --------------------------------------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/include/kindctx.h
              ${PROJECT_BINARY_DIR}/include/kindctx_version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

# ---- CMake package: find_package(kindctx CONFIG) ----------------------------
install(EXPORT kindctxTargets
        NAMESPACE kindctx::
        FILE kindctxTargets.cmake
        DESTINATION ${KINDCTX_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/kindctxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/packaging/kindctxConfig.cmake
  INSTALL_DESTINATION ${KINDCTX_CMAKE_DIR})
# Before 1.0 a MINOR release may break the API and ABI (the header's ABI
# policy; the SONAME carries MAJOR.MINOR), so a 0.x version satisfies a
# request only within the same MINOR. From 1.0 on: the same MAJOR.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(KINDCTX_VERSION_COMPAT SameMinorVersion)
else()
  set(KINDCTX_VERSION_COMPAT SameMajorVersion)
endif()
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/packaging/kindctxConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY ${KINDCTX_VERSION_COMPAT})
install(FILES ${PROJECT_BINARY_DIR}/packaging/kindctxConfig.cmake
              ${PROJECT_BINARY_DIR}/packaging/kindctxConfigVersion.cmake
        DESTINATION ${KINDCTX_CMAKE_DIR} COMPONENT dev)

# ---- pkg-config: kindctx.pc -------------------------------------------------
# The prefix is computed from the .pc file's own place, so an installed tree
# can be moved (cmake --install --prefix, DESTDIR, an unpacked package).
set(KINDCTX_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${KINDCTX_PC_DIR}")
  set(KINDCTX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH rel "/prefix/${KINDCTX_PC_DIR}" "/prefix")
  string(REGEX REPLACE "/$" "" rel "${rel}")
  set(KINDCTX_PC_PREFIX "\${pcfiledir}/${rel}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(KINDCTX_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(KINDCTX_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/kindctx.pc.in
               ${PROJECT_BINARY_DIR}/packaging/kindctx.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/kindctx.pc
        DESTINATION ${KINDCTX_PC_DIR} COMPONENT dev)

# ---- data: rules, schemas, example scenarios --------------------------------
# With the command (the "kindctx" package). Globbed at install time, so files
# added later need no reconfigure.
if(TARGET kindctx_cli)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/
          DESTINATION ${CMAKE_INSTALL_DATADIR}/kindctx/rules
          COMPONENT cli FILES_MATCHING PATTERN "*.json")
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/schemas/
          DESTINATION ${CMAKE_INSTALL_DATADIR}/kindctx/schemas
          COMPONENT cli FILES_MATCHING PATTERN "*.json")
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/scenarios/
          DESTINATION ${CMAKE_INSTALL_DATADIR}/kindctx/examples/scenarios
          COMPONENT cli FILES_MATCHING PATTERN "*.json")
endif()

# ---- man page, docs, copyright, changelog -----------------------------------
# Man page and changelog are compressed with gzip -9n (no name or time stamp,
# so the output is reproducible), as Debian wants.
find_program(KINDCTX_GZIP gzip)
mark_as_advanced(KINDCTX_GZIP)
# kindctx_install_gz(SRC DEST COMPONENT): install SRC as DEST/NAME.gz.
function(kindctx_install_gz src dest component)
  get_filename_component(name ${src} NAME)
  if(NOT KINDCTX_GZIP)
    install(FILES ${src} DESTINATION ${dest} COMPONENT ${component})
    return()
  endif()
  set(gz ${PROJECT_BINARY_DIR}/packaging/gz/${name}.gz)
  if(NOT TARGET kindctx_gz_${name})
    add_custom_command(OUTPUT ${gz}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging/gz
      COMMAND ${KINDCTX_GZIP} -9nc ${src} > ${gz}
      DEPENDS ${src}
      COMMENT "Compressing ${name}")
    add_custom_target(kindctx_gz_${name} ALL DEPENDS ${gz})
  endif()
  install(FILES ${gz} DESTINATION ${dest} COMPONENT ${component})
endfunction()

if(TARGET kindctx_cli AND EXISTS ${PROJECT_SOURCE_DIR}/docs/kindctx.1)
  kindctx_install_gz(${PROJECT_SOURCE_DIR}/docs/kindctx.1 ${CMAKE_INSTALL_MANDIR}/man1 cli)
endif()

# copyright in Debian's machine-readable format, its licence text from LICENSE.
file(READ ${PROJECT_SOURCE_DIR}/LICENSE license)
string(REGEX REPLACE "^.*Copyright[^\n]*\n\n" "" license "${license}")
string(REGEX REPLACE "\n+$" "" license "${license}")
string(REGEX REPLACE "\n\n" "\n.\n" license "${license}")
string(REGEX REPLACE "\n" "\n " KINDCTX_LICENSE_TEXT " ${license}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/copyright.in
               ${PROJECT_BINARY_DIR}/packaging/copyright @ONLY)
# The changelog is dated the day of the build, or SOURCE_DATE_EPOCH when set
# (reproducible packages).
string(TIMESTAMP KINDCTX_CHANGELOG_DATE "%a, %d %b %Y 00:00:00 +0000" UTC)
configure_file(${PROJECT_SOURCE_DIR}/cmake/changelog.in
               ${PROJECT_BINARY_DIR}/packaging/changelog @ONLY)

foreach(comp runtime dev cli)
  if(comp STREQUAL "cli" AND NOT TARGET kindctx_cli)
    continue()
  endif()
  string(TOUPPER ${comp} COMP)
  set(docdir ${CMAKE_INSTALL_DATAROOTDIR}/doc/${KINDCTX_PKG_${COMP}})
  install(FILES ${PROJECT_BINARY_DIR}/packaging/copyright
          DESTINATION ${docdir} COMPONENT ${comp})
  kindctx_install_gz(${PROJECT_BINARY_DIR}/packaging/changelog ${docdir} ${comp})
endforeach()

install(FILES ${PROJECT_SOURCE_DIR}/docs/api.md
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${KINDCTX_PKG_DEV} COMPONENT dev)
if(TARGET kindctx_cli)
  install(FILES ${PROJECT_SOURCE_DIR}/README.md
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${KINDCTX_PKG_CLI} COMPONENT cli)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${KINDCTX_PKG_CLI}
          COMPONENT cli FILES_MATCHING PATTERN "*.md" PATTERN "api.md" EXCLUDE)
endif()
