# CPack post-build script (CPACK_POST_BUILD_SCRIPTS): gives the shared-library
# package the ldconfig trigger Debian asks for instead of CPack's maintainer
# scripts. CMake's DEB generator writes postinst/postrm scripts that call
# ldconfig (lintian: maintscript-calls-ldconfig) and has no way to declare
# the trigger (lintian error: lacks-ldconfig-trigger); debhelper would write
# "activate-noawait ldconfig" to DEBIAN/triggers and no scripts, so the
# package is repacked that way, with a symbols control file as well. Only
# packages that ship a shared library (a shlibs control file) are touched.
find_program(DPKG_DEB dpkg-deb REQUIRED)
find_program(NM nm REQUIRED)
foreach(deb IN LISTS CPACK_PACKAGE_FILES)
  if(NOT deb MATCHES "\\.deb$")
    continue()
  endif()
  get_filename_component(name "${deb}" NAME)
  string(REGEX REPLACE "\\.deb$" "" name "${name}")
  set(root "${CPACK_TOPLEVEL_DIRECTORY}/fixup/${name}")
  file(REMOVE_RECURSE "${root}")
  file(MAKE_DIRECTORY "${root}")
  execute_process(COMMAND ${DPKG_DEB} --raw-extract "${deb}" "${root}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb --raw-extract ${deb} failed")
  endif()
  if(EXISTS "${root}/DEBIAN/shlibs")
    file(REMOVE "${root}/DEBIAN/postinst" "${root}/DEBIAN/postrm")
    file(WRITE "${root}/DEBIAN/triggers" "activate-noawait ldconfig\n")
    # A symbols file, as dpkg-gensymbols would write: every exported symbol
    # (exactly the KC_API functions; see tests/package/check_exports.py) with
    # the first version that has it. Before 1.0 every MINOR release has its
    # own SONAME, so that is MAJOR.MINOR.0; from 1.0 on, symbols added in
    # later MINOR releases need their own versions (a maintained file).
    file(STRINGS "${root}/DEBIAN/shlibs" shlibs)
    string(REGEX MATCH "^([^ ]+) ([^ ]+) ([^ ]+)" _ "${shlibs}")
    set(soname "${CMAKE_MATCH_1}.so.${CMAKE_MATCH_2}")
    set(package "${CMAKE_MATCH_3}")
    file(GLOB_RECURSE sofile "${root}/*/${soname}")
    string(REGEX MATCH "^[0-9]+\\.[0-9]+" minver "${CPACK_PACKAGE_VERSION}")
    execute_process(COMMAND ${NM} -D --defined-only "${sofile}"
                    OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR NOT sofile)
      message(FATAL_ERROR "nm -D ${soname} in ${deb} failed")
    endif()
    string(REGEX MATCHALL "[0-9a-f]+ [TWi] [A-Za-z_][A-Za-z0-9_]*" syms "${syms}")
    list(TRANSFORM syms REPLACE "^[0-9a-f]+ . " "")
    list(SORT syms)
    set(symbols "${soname} ${package} #MINVER#\n* Build-Depends-Package: ${CPACK_KINDCTX_DEV_PACKAGE}\n")
    foreach(sym IN LISTS syms)
      string(APPEND symbols " ${sym}@Base ${minver}.0\n")
    endforeach()
    file(WRITE "${root}/DEBIAN/symbols" "${symbols}")
    execute_process(COMMAND ${DPKG_DEB} --root-owner-group --build "${root}" "${deb}"
                    OUTPUT_QUIET RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "dpkg-deb --build ${deb} failed")
    endif()
    list(LENGTH syms n)
    message(STATUS "${name}: ldconfig trigger instead of maintainer scripts; symbols (${n})")
  endif()
  file(REMOVE_RECURSE "${root}")
endforeach()
