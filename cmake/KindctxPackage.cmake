# Debian packages with CPack: `cpack -G DEB` in a build directory configured
# with -DCMAKE_INSTALL_PREFIX=/usr (the prefix is compiled into the command as
# its data folder, so the package installs where the build was told).
# One package per install component (see cmake/KindctxInstall.cmake):
#   libkindctxMAJOR.MINOR  the shared library          (Section: libs)
#   libkindctx-dev         headers, .a, CMake + pkg-config files (libdevel)
#   kindctx                the command, its data and docs (utils)
# .ci/stages/80-package.sh checks the packages: contents against
# `cmake --install`, lintian, and `apt-get install` in a fresh Debian chroot.
# Included last from the root CMakeLists.txt: CPack lists the components that
# exist when it is included.

set(CPACK_PACKAGE_NAME kindctx)
set(CPACK_PACKAGE_VENDOR "The kindctx authors")
set(CPACK_PACKAGE_CONTACT "${KINDCTX_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's Description (below) starts with its own synopsis line. CPack
# would put the project-wide summary in front of it unless the summary is
# left at CPack's default, so it is set to exactly that.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
if(TARGET kindctx_cli)
  list(APPEND CPACK_COMPONENTS_ALL cli)
endif()

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KINDCTX_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SOURCE kindctx)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Dependencies found by dpkg-shlibdeps from what the binaries link (libc6),
# plus the ones declared below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Descriptions: a synopsis line, then paragraphs separated by empty lines
# (CPack indents them and turns empty lines into " .").
set(KINDCTX_DEB_ABOUT
"kindctx judges how an offered act may land - kind, mixed, dismissive or
harmful - from its context: what was asked for, what is given, the
relationship, the power between giver and receiver, and history. Its rules
are JSON, their conditions JSON Logic, and every verdict is explained.")
# Writes the shlibs control file ("libkindctx 0.1 libkindctx0.1 (>= 0.1.0)")
# for the package that holds the shared library.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# ...and an ldconfig trigger in place of CPack's ldconfig-calling scripts.
set(CPACK_POST_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/KindctxDebFixup.cmake)
set(CPACK_KINDCTX_DEV_PACKAGE ${KINDCTX_PKG_DEV}) # named in the symbols file

# libkindctxMAJOR.MINOR: the shared library. It reads cJSON trees made by
# libcjson (kc_doc_from_cjson and friends), hence the declared dependency.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${KINDCTX_PKG_RUNTIME})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "libcjson1 (>= 1.7.15)")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"judge how an offered act may land - shared library
${KINDCTX_DEB_ABOUT}

This package holds the shared library.")

# libkindctx-dev: what building against the library needs.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME ${KINDCTX_PKG_DEV})
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "${KINDCTX_PKG_RUNTIME} (= ${PROJECT_VERSION}), libcjson-dev (>= 1.7.15)")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DEV_DESCRIPTION
"judge how an offered act may land - development files
${KINDCTX_DEB_ABOUT}

This package holds the header, the static library, the CMake package
(find_package(kindctx)), kindctx.pc for pkg-config, and the API guide.")

# kindctx: the command (linked statically with libkindctx), rules, schemas,
# example scenarios, man page and docs.
set(CPACK_DEBIAN_CLI_PACKAGE_NAME ${KINDCTX_PKG_CLI})
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_CLI_DESCRIPTION
"judge how an offered act may land - command-line tool
${KINDCTX_DEB_ABOUT}

This package holds the kindctx command, the bundled rules, the JSON
Schemas of the file formats and example scenarios.")

include(CPack)
