#!/bin/bash
# The pipeline's chain from the command line (make run, make shell):
#   chain.sh [--from STEP] [--until STEP] [--skip STEP]... [--initrd FILE] [--results FILE]
#            VARIANT JOB [RESULTS_ARGS...]
# prepare -> build -> payload -> initramfs -> boot -> parse: see chain() in scripts/lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
chain "$@"
