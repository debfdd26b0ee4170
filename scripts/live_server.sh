# Sourced by scripts that test a live server (contract.sh, postman.sh):
#   source scripts/live_server.sh; start_live_server
# starts the API on a fresh SQLite database with an admin account, on a free
# port chosen now (or LIVE_PORT), with every file in a temporary directory of
# its own (LIVE_WORK). Exports LIVE_BASE_URL, LIVE_ADMIN_USERNAME and
# LIVE_ADMIN_PASSWORD. When the calling script exits it stops the server it
# started (by its pid, never by port or name) and removes LIVE_WORK, so two
# checkouts can run this at once on one machine.

BIN=${BIN:-.venv/bin}
LIVE_WORK=$(mktemp -d)
LIVE_PORT=${LIVE_PORT:-$("$BIN/python" scripts/free_port.py)}
LIVE_SERVER_PID=

export APP_ENV=development INSTANCE_PATH="$LIVE_WORK" SECRET_KEY=live-test PORT="$LIVE_PORT"
# Test clients log in hundreds of times: rate limits would answer 429.
export FLASK_RATELIMIT_ENABLED=false FLASK_BCRYPT_LOG_ROUNDS=4
export LIVE_BASE_URL="http://127.0.0.1:$LIVE_PORT"
export LIVE_ADMIN_USERNAME=live_admin LIVE_ADMIN_PASSWORD=live-admin-pass-1

stop_live_server() {
  if [ -n "$LIVE_SERVER_PID" ]; then
    kill "$LIVE_SERVER_PID" 2>/dev/null || true
    wait "$LIVE_SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$LIVE_WORK"
}
trap stop_live_server EXIT
trap 'exit 130' INT TERM  # exit, so that the EXIT trap runs

start_live_server() {
  # A taken LIVE_PORT would let another server answer our health check while
  # ours is still starting: refuse it up front.
  if ! "$BIN/python" scripts/free_port.py --check "$LIVE_PORT"; then
    echo "Port $LIVE_PORT is in use; unset LIVE_PORT to pick a free one." >&2
    return 1
  fi
  "$BIN/flask" --app app db upgrade >/dev/null
  "$BIN/flask" --app app create-admin "$LIVE_ADMIN_USERNAME" admin@live.example \
    --password "$LIVE_ADMIN_PASSWORD" >/dev/null
  "$BIN/python" app.py >"$LIVE_WORK/server.log" 2>&1 &
  LIVE_SERVER_PID=$!
  # Poll our own process as well as the port: if it has exited (the port was
  # taken, a bad setting), stop now with its reason rather than test whatever
  # else answers on that port.
  for _ in $(seq 150); do
    if ! kill -0 "$LIVE_SERVER_PID" 2>/dev/null; then
      echo "The server did not start:" >&2
      cat "$LIVE_WORK/server.log" >&2
      return 1
    fi
    curl -sf "$LIVE_BASE_URL/health" >/dev/null && return 0
    sleep 0.1
  done
  echo "The server did not answer on $LIVE_BASE_URL within 15 s:" >&2
  cat "$LIVE_WORK/server.log" >&2
  return 1
}

show_server_log() {
  echo "--- server log (last 80 lines) ---"
  tail -80 "$LIVE_WORK/server.log"
}
