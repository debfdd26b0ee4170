#!/usr/bin/env bash
# Start, stop or describe a throwaway PostgreSQL 15 and Redis on loopback, for the
# test suite's second pass and for trying the API on its scale-out backends.
#
#   scripts/services.sh run CMD...  # start both, run CMD with their URLs, stop both
#
# or step by step:
#
#   export SERVICES_DIR=$(mktemp -d)
#   scripts/services.sh start   # installs them with apt-get if missing (as root)
#   scripts/services.sh env     # prints TEST_DATABASE_URL=... and TEST_REDIS_URL=...
#   scripts/services.sh stop
#
# `make bench` on PostgreSQL: PG_FSYNC=on scripts/services.sh start, then
# BENCH_DATABASE_URL=<the TEST_DATABASE_URL above> make bench.
#
# Each run keeps its data, pid files and chosen ports in a directory of its own
# (SERVICES_DIR; `run` makes a temporary one) and listens on ports that were free
# when it started (or PG_PORT / REDIS_PORT), so several checkouts can test at
# once on one machine. `stop` stops only the servers that this directory's run
# started, found by their pid files, and removes only a directory it made.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_FSYNC=${PG_FSYNC:-off}  # the data is thrown away; on for benchmarks
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DATABASE=inventory_test
# Marks a directory as made by `start`: `stop` deletes nothing else.
MARKER=.inventory-services

as_postgres() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

state_dir() {
  if [ -z "${SERVICES_DIR:-}" ]; then
    echo "Set SERVICES_DIR to a directory of this run's own (e.g. \$(mktemp -d))." >&2
    exit 2
  fi
  echo "$SERVICES_DIR"
}

free_port() {
  if [ -x .venv/bin/python ]; then
    .venv/bin/python scripts/free_port.py
  else
    python3 scripts/free_port.py
  fi
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
  local dir pg_port redis_port
  dir=$(state_dir)
  install_missing
  stop  # servers an interrupted earlier run of this directory left behind
  mkdir -p "$dir"
  # `stop` deletes the directory, so never adopt one that holds anything else.
  if [ -n "$(ls -A "$dir")" ]; then
    echo "SERVICES_DIR=$dir is not empty; give a new or empty directory." >&2
    exit 1
  fi
  touch "$dir/$MARKER"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  pg_port=${PG_PORT:-$(free_port)}
  redis_port=${REDIS_PORT:-$(free_port)}
  # pg_stat_statements counts each statement a client sends: make bench
  # prints the round trips per request with it (bench/round_trips.py).
  as_postgres "$PG_BIN/initdb" -D "$dir/pg" -U postgres -A trust \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir -c fsync=$PG_FSYNC -c shared_preload_libraries=pg_stat_statements" \
    start >/dev/null; then
    echo "PostgreSQL did not start:" >&2
    cat "$dir/postgres.log" >&2
    exit 1
  fi
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE $DATABASE"
  # One database per pytest-xdist worker (tests/conftest.py): room for many.
  if ! redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --databases 256 --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log"; then
    echo "Redis did not start." >&2
    exit 1
  fi
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1 || [ ! -s "$dir/redis.pid" ]; then
    echo "Redis did not start:" >&2
    cat "$dir/redis.log" >&2
    exit 1
  fi
  {
    echo "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/$DATABASE"
    echo "TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
  } >"$dir/env"
  echo "PostgreSQL on 127.0.0.1:$pg_port and Redis on 127.0.0.1:$redis_port are up."
}

stop() {
  local dir pid
  dir=$(state_dir)
  [ -f "$dir/$MARKER" ] || return 0  # nothing of ours there
  if [ -f "$dir/pg/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true
  fi
  pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
  # Only the Redis this directory started: its pid file names it, and the
  # process must still be a redis-server (a stale pid may have been reused).
  if [ -n "$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -rf "$dir"
}

print_env() {
  cat "$(state_dir)/env"
}

# Start both in a temporary directory, run the command with their URLs in its
# environment, and stop both however the command ends.
run() {
  SERVICES_DIR=$(mktemp -d)
  export SERVICES_DIR
  # Stop them however this ends: the command failing, or Ctrl-C.
  trap stop EXIT
  trap 'exit 130' INT TERM
  start
  local status=0
  env $(print_env) "$@" || status=$?
  return "$status"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  run) shift; run "$@" ;;
  *) echo "usage: $0 start|stop|env|run COMMAND..." >&2; exit 2 ;;
esac
