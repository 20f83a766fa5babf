# The README's test command: build with -Werror and run the whole suite.
set -eu
sh scripts/run-tests.sh
