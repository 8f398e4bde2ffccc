#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the store tests and benchmarks.
#
#   scripts/pg-test-server.sh start    # idempotent: init (first time), start, create the db; prints the URL
#   scripts/pg-test-server.sh url      # prints the URL of the running server
#   scripts/pg-test-server.sh stop     # fast shutdown, data kept (start again resumes it, same port)
#   scripts/pg-test-server.sh destroy  # stop and delete the data directory
#
# Only the URL goes to stdout (so `TWO_FACTOR_PG_URL="$(scripts/pg-test-server.sh start)"` works);
# everything else goes to stderr.
#
# Environment:
#   TWO_FACTOR_PG_DIR   state directory (data, socket, log, port, password); default ${TMPDIR:-/tmp}/two-factor-pg
#   TWO_FACTOR_PG_PORT  preferred port; default 54329, the next free one is taken if it is busy
#   TWO_FACTOR_PG_BIN   directory of initdb/pg_ctl/postgres; default: pg_config --bindir, else the newest
#                       /usr/lib/postgresql/*/bin (Debian: apt-get install -y postgresql)
#
# Root cannot run postgres, so under root the server runs as the `postgres` user (created by the
# Debian package). The server listens on 127.0.0.1 only and needs a password (scram-sha-256) over TCP.
set -euo pipefail

cmd="${1:-start}"
dir="${TWO_FACTOR_PG_DIR:-${TMPDIR:-/tmp}/two-factor-pg}"
preferred_port="${TWO_FACTOR_PG_PORT:-54329}"
db="two_factor_test"
user="postgres"
data="$dir/data"

log() { echo "pg-test-server: $*" >&2; }

find_bin() {
  if [ -n "${TWO_FACTOR_PG_BIN:-}" ]; then echo "$TWO_FACTOR_PG_BIN"; return; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  log "no PostgreSQL binaries found (Debian: apt-get install -y postgresql)"
  exit 1
}

bin="$(find_bin)"

server_user=postgres
# shellcheck source=scripts/test-server-lib.sh
. "$(dirname "$0")/test-server-lib.sh"

running() { [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() {
  local password port
  password="$(cat "$dir/password")"
  port="$(cat "$dir/port")"
  echo "postgres://$user:$password@127.0.0.1:$port/$db"
}

psql_local() { as_owner "$bin/psql" -h "$dir" -p "$(cat "$dir/port")" -U "$user" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

init() {
  make_state_dir
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb into $data"
    as_owner "$bin/initdb" -D "$data" -U "$user" --pwfile="$dir/password" -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  fi
}

start() {
  init
  if running; then
    url
    return
  fi
  choose_port
  local port
  port="$(cat "$dir/port")"
  if port_busy "$port"; then
    log "port $port (recorded in $dir/port) is taken by another program"
    exit 1
  fi
  log "starting PostgreSQL ($bin) on 127.0.0.1:$port"
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=100" start >&2 || {
    tail -n 30 "$dir/server.log" >&2 || true
    exit 1
  }
  if [ "$(psql_local -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    psql_local -c "CREATE DATABASE $db"
  fi
  url
}

stop() {
  if running; then
    log "stopping"
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2
  fi
}

case "$cmd" in
  start) start ;;
  url)
    running || { log "not running (scripts/pg-test-server.sh start)"; exit 1; }
    url
    ;;
  stop) stop ;;
  destroy)
    stop
    rm -rf "$dir"
    ;;
  *)
    log "usage: $0 start|url|stop|destroy"
    exit 2
    ;;
esac
