#!/usr/bin/env bash
# One command to run every check: lint (ruff), types (mypy) and the test suite (pytest).
# Extra arguments go to pytest. With NZILA_TEST_POSTGRES_URL set, database tests also run on
# PostgreSQL; with REDIS_URL set, Redis tests use that server instead of the embedded one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh all  # the Rasa environment too: end-to-end tests run the real Rasa server
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; NZILA_REQUIRE_RASA=1 .venv/bin/pytest "$@"
