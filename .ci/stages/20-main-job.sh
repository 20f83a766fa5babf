# The README's main job: the bundled example scenarios, judged and checked.
set -eu
sh scripts/run-examples.sh
