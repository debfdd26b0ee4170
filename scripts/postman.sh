#!/usr/bin/env bash
# Run docs/postman_collection.json with newman (installed from npm into .tools)
# against a live server on a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
NEWMAN_VERSION=6.2.2
NEWMAN=.tools/node_modules/.bin/newman

if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -x "$NEWMAN" ] || ! "$NEWMAN" --version | grep -qx "$NEWMAN_VERSION"; then
  npm install --silent --no-audit --no-fund --prefix .tools "newman@$NEWMAN_VERSION" >/dev/null
fi

source scripts/live_server.sh
start_live_server

status=0
"$NEWMAN" run docs/postman_collection.json \
  --env-var "baseUrl=$LIVE_BASE_URL" \
  --env-var "adminUsername=$LIVE_ADMIN_USERNAME" \
  --env-var "adminPassword=$LIVE_ADMIN_PASSWORD" \
  --color off --disable-unicode || status=$?
[ "$status" = 0 ] || show_server_log
exit "$status"
