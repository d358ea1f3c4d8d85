#!/usr/bin/env bash
# Starts the action server and the Rasa server together; Ctrl-C stops both.
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
.venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT INT TERM
echo "Rasa: http://localhost:${RASA_PORT:-5005}/webhooks/rest/webhook  (actions on ${ACTIONS_PORT:-5055})"
.venv/bin/rasa run --enable-api --auth-token "$RASA_AUTH_TOKEN" --port "${RASA_PORT:-5005}" \
  --model models/helpline.tar.gz --endpoints endpoints.yml --credentials credentials.yml --cors "*"
