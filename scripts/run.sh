#!/usr/bin/env bash
# Start the action server, the Rasa server and the gateway; Ctrl-C (or any one dying) stops all.
# Each listens on 127.0.0.1 only; the gateway opens to others with GATEWAY_HOST (README, operations).
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077  # databases and logs under var/ readable by this user only
mkdir -p var/log
chmod go-rwx var var/*.db 2>/dev/null || true  # also those made before this rule
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
GATEWAY_PORT=${GATEWAY_PORT:-8000}
# Development values (the Makefile sets the same); production sets its own in the environment.
export RASA_AUTH_TOKEN=${RASA_AUTH_TOKEN:-dev-rasa-token}
export ACTIONS_TOKEN=${ACTIONS_TOKEN:-dev-actions-token}
export FACEBOOK_VERIFY_TOKEN=${FACEBOOK_VERIFY_TOKEN:-dev-verify-token}
export FACEBOOK_APP_SECRET=${FACEBOOK_APP_SECRET:-dev-app-secret}
export FACEBOOK_PAGE_ACCESS_TOKEN=${FACEBOOK_PAGE_ACCESS_TOKEN:-dev-page-access-token}
export GATEWAY_PORT GATEWAY_RASA_URL=${GATEWAY_RASA_URL:-http://127.0.0.1:${RASA_PORT}}

trap 'trap - INT TERM EXIT; kill 0 2>/dev/null' INT TERM EXIT

# The console's database, shared by the gateway, the action server and Rasa's Messenger channel:
# migrated once here, before any of them starts.
"$BIN/python" -m bot.storage upgrade

# Our launchers of rasa-sdk and Rasa: loopback, the action server's token, no residents' text in
# Rasa's log (bot/action_server.py, bot/rasa_server.py).
"$BIN/python" -m bot.action_server --port "$ACTIONS_PORT" --actions actions 2>&1 | sed -u 's/^/[actions] /' &
"$BIN/python" -m bot.rasa_server run --enable-api --interface 127.0.0.1 --port "$RASA_PORT" \
  --model models/mops.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
  --auth-token "$RASA_AUTH_TOKEN" \
  2>&1 | sed -u 's/^/[rasa]    /' &
"$BIN/python" -m bot.gateway 2>&1 | sed -u 's/^/[gateway] /' &

echo "Rasa:           http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook (POST {\"sender\": \"me\", \"message\": \"Dzień dobry\"})"
echo "Web chat demo:  http://localhost:${GATEWAY_PORT}/  (widget: <script src=\"http://localhost:${GATEWAY_PORT}/widget.js\" defer></script>)"
echo "Action server:  http://127.0.0.1:${ACTIONS_PORT}/health  (actions only for Rasa: ACTIONS_TOKEN)"
wait -n
