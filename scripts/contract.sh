#!/usr/bin/env bash
# Contract test: Schemathesis, with all its checks, against a live server
# started here on a fresh SQLite database, logged in as an admin.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
PORT=${CONTRACT_PORT:-5077}
SEED=${CONTRACT_SEED:-20261121}
EXAMPLES=${CONTRACT_EXAMPLES:-25}
WORK=$(mktemp -d)

export APP_ENV=development INSTANCE_PATH="$WORK" SECRET_KEY=contract-test PORT
# Rate limits would answer 429 to a fuzzer's hundreds of logins.
export FLASK_RATELIMIT_ENABLED=false FLASK_BCRYPT_LOG_ROUNDS=4
export CONTRACT_BASE_URL="http://127.0.0.1:$PORT"
export CONTRACT_USERNAME=contract_admin CONTRACT_PASSWORD=contract-pass-1
export PYTHONPATH=. SCHEMATHESIS_HOOKS=tests.contract.hooks

"$BIN/flask" --app app db upgrade >/dev/null
"$BIN/flask" --app app create-admin "$CONTRACT_USERNAME" contract@example.com \
  --password "$CONTRACT_PASSWORD" >/dev/null
"$BIN/python" app.py >"$WORK/server.log" 2>&1 &
server=$!
stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop_server EXIT
for _ in $(seq 100); do
  curl -sf "$CONTRACT_BASE_URL/health" >/dev/null && break
  sleep 0.1
done

# A category and a supplier (id 1) for generated items to point at (hooks).
"$BIN/python" - <<'PY'
import os, requests
base = os.environ["CONTRACT_BASE_URL"]
session = requests.Session()
login = {"username": os.environ["CONTRACT_USERNAME"], "password": os.environ["CONTRACT_PASSWORD"]}
session.post(f"{base}/login", json=login).raise_for_status()
session.post(f"{base}/categories", json={"name": "Contract category"}).raise_for_status()
session.post(f"{base}/suppliers", json={"name": "Contract supplier"}).raise_for_status()
PY

# Two passes over all operations: deleting catalog entries comes last, so the
# entry the hooks point items at exists while everything else is tested.
CATALOG_DELETES=(categories_delete_entry_delete suppliers_delete_entry_delete)
run() {
  "$BIN/schemathesis" run "$CONTRACT_BASE_URL/openapi.json" \
    --checks all --seed "$SEED" --max-examples "$EXAMPLES" --workers 1 "$@"
}
status=0
run $(printf -- '--exclude-operation-id %s ' "${CATALOG_DELETES[@]}") || status=$?
run $(printf -- '--include-operation-id %s ' "${CATALOG_DELETES[@]}") || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (last 80 lines) ---"
  tail -80 "$WORK/server.log"
fi
exit "$status"
