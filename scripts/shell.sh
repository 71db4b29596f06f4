#!/usr/bin/env bash
# Chat in the terminal: the action server runs in the background while `rasa shell` is open.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
mkdir -p var
BIN=.venv/bin
export ACTIONS_TOKEN=${ACTIONS_TOKEN:-dev-actions-token}  # endpoints.yml sends it to the action server
# The handoff's database must be up to date before the action server uses it (as in `make run`).
"$BIN/python" -m bot.storage upgrade
"$BIN/python" -m bot.action_server --port "${ACTIONS_PORT:-5055}" --actions actions >var/actions-shell.log 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null' EXIT
"$BIN/python" -m bot.rasa_server shell --model models/mops.tar.gz --endpoints endpoints.yml
