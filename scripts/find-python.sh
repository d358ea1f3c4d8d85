#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 runs on Python <= 3.10), or explains how to get one.
set -euo pipefail
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1 || [ -x "${PYENV_ROOT:-$HOME/.pyenv}/bin/pyenv" ]; then
  root="${PYENV_ROOT:-$HOME/.pyenv}"
  for p in "$root"/versions/3.10*/bin/python3.10; do [ -x "$p" ] && candidates+=("$p"); done
fi
for p in "${candidates[@]}"; do
  if "$p" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$p"; exit 0
  fi
done
cat >&2 <<'MSG'
error: Python 3.10 was not found. Rasa 3.6 needs Python 3.8-3.10.
  - with pyenv:   pyenv install 3.10.13   (then run make again)
  - on Debian:    apt-get install python3.10 python3.10-venv   (where the release ships it)
  - or point at one:  make run PYTHON=/path/to/python3.10
MSG
exit 1
