#!/usr/bin/env bash
# Starts the action server, the nurse console and the Rasa server together; Ctrl-C stops all three.
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

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
.venv/bin/python -m bot.action_server --port "${ACTIONS_PORT:-5055}" &
pids+=($!)
.venv/bin/python -m bot.console serve --port "${HELPLINE_CONSOLE_PORT:-5006}" &
pids+=($!)
cat <<MSG
Rasa REST channel:  http://localhost:${RASA_PORT:-5005}/webhooks/rest/webhook
Action server:      http://${HELPLINE_ACTIONS_HOST:-127.0.0.1}:${ACTIONS_PORT:-5055} (Rasa only: needs HELPLINE_ACTIONS_TOKEN)
Website chat demo:  http://localhost:${RASA_PORT:-5005}/webhooks/socketio/demo
Nurse console:      http://localhost:${HELPLINE_CONSOLE_PORT:-5006}/console
  (first nurse: .venv/bin/python -m bot.console create-nurse --username NAME --name "Full Name" --role admin)
MSG
.venv/bin/python -m bot.rasa_server --port "${RASA_PORT:-5005}" \
  --model models/helpline.tar.gz --endpoints endpoints.yml --credentials credentials.yml --cors "*"
