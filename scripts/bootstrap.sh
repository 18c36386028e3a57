#!/usr/bin/env bash
# Build (or refresh) both environments. Idempotent: a stamp of the inputs' hash skips the work
# when nothing changed.
#   .venv       the app, Python >= 3.11, `pip install -e .[dev]` within constraints-app.txt
#   .venv-rasa  the Rasa engine, Python 3.10, rasa==3.6.21 (pinned in dialogs/rasa-requirements.txt)
# Usage: scripts/bootstrap.sh [app|rasa|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[bootstrap]\033[0m %s\n' "$*" >&2; exit 1; }

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

# The first interpreter that runs and reports a version in [min, max].
find_python() {
  local min="$1" max="$2"; shift 2
  local candidate version
  for candidate in "$@"; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    if python3 - "$version" "$min" "$max" <<'PY' 2>/dev/null; then echo "$candidate"; return 0; fi
import sys
v, lo, hi = (tuple(int(p) for p in s.split(".")) for s in sys.argv[1:])
sys.exit(0 if lo <= v <= hi else 1)
PY
  done
  return 1
}

pyenv_pythons() {
  local root
  root="${PYENV_ROOT:-$HOME/.pyenv}"
  if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root)"; fi
  ls -d "$root"/versions/"$1"*/bin/python"$1" 2>/dev/null | sort -rV || true
}

build_app_env() {
  local py stamp
  stamp=$(stamp_of pyproject.toml constraints-app.txt)
  if [ -f .venv/.nzila-stamp ] && [ "$(cat .venv/.nzila-stamp)" = "$stamp" ] && [ -x .venv/bin/nzila ]; then
    return 0
  fi
  py=$(find_python 3.11 3.99 "${NZILA_APP_PYTHON:-}" python3.13 python3.12 python3.11 python3 \
       $(pyenv_pythons 3.13) $(pyenv_pythons 3.12) $(pyenv_pythons 3.11)) \
    || die "the app needs Python >= 3.11: install python3.11 (apt-get install python3.11-venv, or pyenv install 3.11) or set NZILA_APP_PYTHON"
  say "app environment (.venv) with $py"
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install --quiet -c constraints-app.txt -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import catalog, webhook, fastapi, sqlalchemy" || die "app install failed"
  echo "$stamp" > .venv/.nzila-stamp
}

build_rasa_env() {
  local py stamp
  stamp=$(stamp_of dialogs/rasa-requirements.txt)
  if [ -f .venv-rasa/.nzila-stamp ] && [ "$(cat .venv-rasa/.nzila-stamp)" = "$stamp" ]; then
    return 0
  fi
  py=$(find_python 3.10 3.10 "${NZILA_RASA_PYTHON:-}" python3.10 $(pyenv_pythons 3.10)) \
    || die "Rasa 3.6 needs Python 3.10 and none was found on PATH or in pyenv.
  Get it with one of:  pyenv install 3.10   |   apt-get install python3.10 python3.10-venv
  or point NZILA_RASA_PYTHON at a python3.10 binary."
  say "Rasa environment (.venv-rasa) with $py: rasa==3.6.21 (first time: about 2 minutes, 2.7 GB)"
  [ -x .venv-rasa/bin/python ] || "$py" -m venv .venv-rasa
  .venv-rasa/bin/python -m pip install --quiet --upgrade "pip<25" 2>&1 | grep -v "^WARNING: Location" || true
  .venv-rasa/bin/python -m pip install --quiet --no-deps -r dialogs/rasa-requirements.txt 2>&1 \
    | grep -v -e "^WARNING: Location" -e "DEPRECATION" || true
  .venv-rasa/bin/python -m pip check >/dev/null || die "the Rasa environment is inconsistent (pip check)"
  .venv-rasa/bin/python -c "import importlib.metadata as m; assert m.version('rasa') == '3.6.21'" \
    || die "rasa 3.6.21 did not install"
  echo "$stamp" > .venv-rasa/.nzila-stamp
}

case "$what" in
  app) build_app_env ;;
  rasa) build_rasa_env ;;
  all) build_app_env; build_rasa_env ;;
  *) die "usage: $0 [app|rasa|all]" ;;
esac
