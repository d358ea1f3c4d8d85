#!/usr/bin/env bash
# Starts the action server, the nurse console and the Rasa server together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "$HELPLINE_DATA_DIR"
token_file="$HELPLINE_DATA_DIR/rasa_auth_token"
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  if [ ! -s "$token_file" ]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > "$token_file")
  fi
  RASA_AUTH_TOKEN=$(cat "$token_file")
  echo "HTTP API token: in $token_file (set RASA_AUTH_TOKEN to choose your own)"
fi
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
.venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" &
pids+=($!)
.venv/bin/python -m bot.console serve --port "${HELPLINE_CONSOLE_PORT:-5006}" &
pids+=($!)
cat <<MSG
Rasa REST channel:  http://localhost:${RASA_PORT:-5005}/webhooks/rest/webhook
Action server:      http://localhost:${ACTIONS_PORT:-5055}
Website chat demo:  http://localhost:${RASA_PORT:-5005}/webhooks/socketio/demo
Nurse console:      http://localhost:${HELPLINE_CONSOLE_PORT:-5006}/console
  (first nurse: .venv/bin/python -m bot.console create-nurse --username NAME --name "Full Name" --role admin)
MSG
.venv/bin/rasa run --enable-api --auth-token="$RASA_AUTH_TOKEN" --port "${RASA_PORT:-5005}" \
  --model models/helpline.tar.gz --endpoints endpoints.yml --credentials credentials.yml --cors "*"
