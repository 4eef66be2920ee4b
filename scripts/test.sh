#!/usr/bin/env bash
# Set up everything the test suite needs, then run it: the README's test command.
#   Python packages  → .venv (requirements-dev.txt)
#   Nu HTML checker  → node_modules (npm ci; needs Java)
#   Chromium         → Debian's package, when missing and we may install it
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! command -v chromium >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

exec .venv/bin/python -m pytest "$@"
