#!/usr/bin/env bash
# One command to run Nzila with demo data and no credentials: builds both environments (once),
# migrates, seeds the demo inventory (once), trains the Rasa model (when its inputs changed), then
# starts everything — web app, conversation worker, Rasa server, action server and the local fake
# providers — until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[run]\033[0m %s\n' "$*" >&2; }

scripts/bootstrap.sh app
mkdir -p var
# The Rasa environment is large: build it while the demo photos are drawn.
scripts/bootstrap.sh rasa > var/bootstrap-rasa.log 2>&1 &
rasa_build=$!

.venv/bin/nzila check-config
.venv/bin/nzila migrate
.venv/bin/nzila seed
say "waiting for the Rasa environment (log: var/bootstrap-rasa.log)"
if ! wait "$rasa_build"; then cat var/bootstrap-rasa.log >&2; exit 1; fi
.venv/bin/nzila train

exec .venv/bin/nzila up
