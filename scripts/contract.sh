#!/usr/bin/env bash
# Contract test: Schemathesis, with all its checks, against a live server on a
# fresh database, logged in as an admin (hooks: tests/contract/hooks.py). The
# server runs on a free port with its files in a temporary directory
# (scripts/live_server.sh), so this can run beside another checkout's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/live_server.sh
start_live_server

SEED=${CONTRACT_SEED:-20261121}
EXAMPLES=${CONTRACT_EXAMPLES:-25}
export CONTRACT_BASE_URL="$LIVE_BASE_URL"
export CONTRACT_USERNAME="$LIVE_ADMIN_USERNAME" CONTRACT_PASSWORD="$LIVE_ADMIN_PASSWORD"
export PYTHONPATH=. SCHEMATHESIS_HOOKS=tests.contract.hooks
export CONTRACT_CACHE_DIR="$LIVE_WORK/schemathesis"  # schemathesis.toml

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
[ "$status" = 0 ] || show_server_log
exit "$status"
