#!/usr/bin/env bash
# Shared by scripts/run and scripts/test: find Python 3.12+, make .venv, install exactly
# what uv.lock records (again only when it changed). Source it; it changes directory to
# the project root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python_is_recent() {
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_is_recent "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv's shims only answer for the selected version; its interpreters answer directly.
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in $(ls -d "$(pyenv root)"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
      if python_is_recent "$candidate/bin/python3"; then
        echo "$candidate/bin/python3"; return 0
      fi
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ] || ! python_is_recent .venv/bin/python; then
  PYTHON=$(find_python) || {
    echo "Cerego needs Python 3.12 or newer (python3.13, python3.12 or python3 on PATH)." >&2
    exit 1
  }
  echo "Creating .venv with $("$PYTHON" --version)…"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi

# Exactly the versions uv.lock records (the ones CI tested); again only when it or
# pyproject.toml changed. uv comes from pip the first time, then from the lock itself.
stamp=.venv/.installed-$(cat pyproject.toml uv.lock | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Installing dependencies from uv.lock…"
  [ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
  UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="$PWD/.venv" \
    .venv/bin/uv sync --quiet --locked --extra dev --group bench --no-install-project --python .venv/bin/python
  rm -f .venv/.installed-* && touch "$stamp"
fi
