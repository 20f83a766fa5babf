# Turns a file into a C array, so the bundled rule set lives inside the library.
# usage: cmake -DINPUT=rules/core.json -DOUTPUT=default_rules.c -DNAME=rules/core.json -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# 16 bytes per line keeps the generated file readable in a debugger.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"/* Generated at build time from ${NAME} by cmake/embed.cmake; do not edit. */
#include <stddef.h>

#include \"ruleset.h\"

const unsigned char kc_default_rules_data[] = {
    ${bytes}0x00};
const size_t kc_default_rules_len = ${len};
const char kc_default_rules_name[] = \"${NAME}\";
")
# Only touch the output when it changed, so unrelated builds stay incremental.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE "${OUTPUT}.tmp")
