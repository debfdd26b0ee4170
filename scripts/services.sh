#!/usr/bin/env bash
# Start, stop or describe a throwaway PostgreSQL 15 and Redis on loopback, for the
# test suite's second pass and for trying the API on its scale-out backends.
#
#   scripts/services.sh start   # installs them with apt-get if missing (as root)
#   scripts/services.sh env     # prints TEST_DATABASE_URL=... and TEST_REDIS_URL=...
#   scripts/services.sh stop
#
# `make bench` on PostgreSQL: PG_FSYNC=on scripts/services.sh start, then
# BENCH_DATABASE_URL=<the TEST_DATABASE_URL above> make bench.
#
# Data lives in $SERVICES_DIR (default /tmp/inventory-services) and is thrown away.
set -euo pipefail

STATE_DIR=${SERVICES_DIR:-/tmp/inventory-services}
# Below the kernel's ephemeral range (32768+), where an outgoing connection
# could hold the port at the moment the server binds it.
PG_PORT=${PG_PORT:-25432}
REDIS_PORT=${REDIS_PORT:-26379}
# fsync=off by default: the tests' data is thrown away, so skip the disk
# flushes. PG_FSYNC=on for benchmarks, so a commit waits for the disk as
# SQLite's does.
PG_FSYNC=${PG_FSYNC:-off}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DATABASE=inventory_test

as_postgres() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_missing() {
  local packages=()
  [ -x "$PG_BIN/pg_ctl" ] || packages+=(postgresql-15)
  command -v psql >/dev/null 2>&1 || packages+=(postgresql-client-15)
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
  [ ${#packages[@]} -eq 0 ] && return
  if [ "$(id -u)" != 0 ]; then
    echo "Missing: ${packages[*]}. Install them (Debian: apt-get install ${packages[*]})." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
}

start() {
  install_missing
  stop  # whatever an interrupted earlier run left behind
  mkdir -p "$STATE_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$STATE_DIR"
  if [ ! -d "$STATE_DIR/pg" ]; then
    as_postgres "$PG_BIN/initdb" -D "$STATE_DIR/pg" -U postgres -A trust \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$STATE_DIR/pg" -l "$STATE_DIR/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $STATE_DIR -c fsync=$PG_FSYNC" start >/dev/null
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -tc \
    "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1 ||
    psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE $DATABASE"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --daemonize yes --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT are up."
}

stop() {
  if [ -f "$STATE_DIR/pg/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$STATE_DIR/pg" -m fast -w stop >/dev/null || true
  fi
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$STATE_DIR"
}

print_env() {
  echo "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/$DATABASE"
  echo "TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
