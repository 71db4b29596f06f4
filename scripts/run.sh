#!/usr/bin/env bash
# Start the action server and the Rasa server; Ctrl-C (or either one dying) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}

trap 'trap - INT TERM EXIT; kill 0 2>/dev/null' INT TERM EXIT

"$BIN/rasa" run actions --port "$ACTIONS_PORT" --actions actions 2>&1 | sed -u 's/^/[actions] /' &
"$BIN/rasa" run --enable-api --interface 127.0.0.1 --port "$RASA_PORT" \
  --model models/mops.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
  2>&1 | sed -u 's/^/[rasa]    /' &

echo "Rasa:           http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook (POST {\"sender\": \"me\", \"message\": \"Dzień dobry\"})"
echo "Action server:  http://127.0.0.1:${ACTIONS_PORT}/health"
wait -n
