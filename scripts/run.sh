#!/usr/bin/env bash
# Makes the secrets, then starts the action server, the nurse console and the Rasa server (ops/processes.py).
# Secrets travel in the environment, never on a command line (`ps` shows those to every local user).
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
mkdir -p "$HELPLINE_DATA_DIR"
chmod 700 "$HELPLINE_DATA_DIR"

# A secret from the environment, or else from its file in the data folder (created once, 0600).
secret() {
  local file="$HELPLINE_DATA_DIR/$1"
  if [ ! -s "$file" ]; then
    .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > "$file"
  fi
  cat "$file"
}
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$(secret rasa_auth_token)
  echo "HTTP API token: in $HELPLINE_DATA_DIR/rasa_auth_token (set RASA_AUTH_TOKEN to choose your own)"
fi
HELPLINE_ACTIONS_TOKEN=${HELPLINE_ACTIONS_TOKEN:-$(secret actions_token)}
export RASA_AUTH_TOKEN HELPLINE_ACTIONS_TOKEN

# The action server, the console and Rasa, as ops/processes.py starts them; Ctrl-C stops all three.
exec .venv/bin/python -m ops.processes run
