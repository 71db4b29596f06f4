#!/usr/bin/env bash
# Chat in the terminal: the action server runs in the background while `rasa shell` is open.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
"$BIN/rasa" run actions --port "${ACTIONS_PORT:-5055}" --actions actions >var/actions-shell.log 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null' EXIT
"$BIN/rasa" shell --model models/mops.tar.gz --endpoints endpoints.yml
