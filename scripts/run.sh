#!/usr/bin/env bash
# One command to run Nzila with demo data and no credentials:
# builds both environments (once), migrates, seeds the demo inventory (once), starts the web app.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[run]\033[0m %s\n' "$*" >&2; }

scripts/bootstrap.sh app
# The Rasa environment is large: build it while the demo photos are drawn.
scripts/bootstrap.sh rasa > var-bootstrap-rasa.log 2>&1 &
rasa_build=$!

.venv/bin/nzila check-config
.venv/bin/nzila migrate
.venv/bin/nzila seed
say "waiting for the Rasa environment (log: var-bootstrap-rasa.log)"
if ! wait "$rasa_build"; then cat var-bootstrap-rasa.log >&2; exit 1; fi
rm -f var-bootstrap-rasa.log

say "Nzila is up: open http://${HOST:-127.0.0.1}:${PORT:-8000}/  (Ctrl-C stops it)"
exec .venv/bin/nzila serve
