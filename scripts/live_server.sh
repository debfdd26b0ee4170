# Sourced by scripts that test a live server (contract.sh, postman.sh):
#   source scripts/live_server.sh; start_live_server
# starts the API on a fresh SQLite database with an admin account, exports
# LIVE_BASE_URL, LIVE_ADMIN_USERNAME and LIVE_ADMIN_PASSWORD, and stops the
# server and removes its files when the calling script exits.

BIN=${BIN:-.venv/bin}
LIVE_PORT=${LIVE_PORT:-5077}
LIVE_WORK=$(mktemp -d)

export APP_ENV=development INSTANCE_PATH="$LIVE_WORK" SECRET_KEY=live-test PORT="$LIVE_PORT"
# Test clients log in hundreds of times: rate limits would answer 429.
export FLASK_RATELIMIT_ENABLED=false FLASK_BCRYPT_LOG_ROUNDS=4
export LIVE_BASE_URL="http://127.0.0.1:$LIVE_PORT"
export LIVE_ADMIN_USERNAME=live_admin LIVE_ADMIN_PASSWORD=live-admin-pass-1

stop_live_server() {
  kill "$LIVE_SERVER_PID" 2>/dev/null || true
  wait "$LIVE_SERVER_PID" 2>/dev/null || true
  rm -rf "$LIVE_WORK"
}

start_live_server() {
  "$BIN/flask" --app app db upgrade >/dev/null
  "$BIN/flask" --app app create-admin "$LIVE_ADMIN_USERNAME" admin@live.example \
    --password "$LIVE_ADMIN_PASSWORD" >/dev/null
  "$BIN/python" app.py >"$LIVE_WORK/server.log" 2>&1 &
  LIVE_SERVER_PID=$!
  trap stop_live_server EXIT
  for _ in $(seq 100); do
    curl -sf "$LIVE_BASE_URL/health" >/dev/null && return 0
    sleep 0.1
  done
  echo "The server did not start:" >&2
  cat "$LIVE_WORK/server.log" >&2
  return 1
}

show_server_log() {
  echo "--- server log (last 80 lines) ---"
  tail -80 "$LIVE_WORK/server.log"
}
