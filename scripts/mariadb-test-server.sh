#!/usr/bin/env bash
# A throwaway MariaDB server on loopback for the MySQL store tests and benchmarks (Debian's mariadb-server).
#
#   scripts/mariadb-test-server.sh start    # idempotent: init (first time), start, create the db and user; prints the URL
#   scripts/mariadb-test-server.sh url      # prints the URL of the running server
#   scripts/mariadb-test-server.sh stop     # shutdown, data kept (start again resumes it, same port)
#   scripts/mariadb-test-server.sh destroy  # stop and delete the state directory
#
# Only the URL goes to stdout (so `TWO_FACTOR_MYSQL_URL="$(scripts/mariadb-test-server.sh start)"` works);
# everything else goes to stderr.
#
# Environment:
#   TWO_FACTOR_MYSQL_DIR   state directory (data, socket, log, port, password); default ${TMPDIR:-/tmp}/two-factor-mariadb
#   TWO_FACTOR_MYSQL_PORT  preferred port; default 33069, the next free one is taken if it is busy
#
# No option file is read (--no-defaults), so the machine's /etc/mysql settings change nothing; the server's
# character set stays MariaDB's latin1 default, which the store's DDL must override. Under root the server
# runs as the `mysql` user (created by the Debian package). It listens on 127.0.0.1 only; the test user
# `two_factor` needs its password, and administration goes through the socket (unix_socket auth).
set -euo pipefail

cmd="${1:-start}"
dir="${TWO_FACTOR_MYSQL_DIR:-${TMPDIR:-/tmp}/two-factor-mariadb}"
preferred_port="${TWO_FACTOR_MYSQL_PORT:-33069}"
db="two_factor_test"
user="two_factor"
data="$dir/data"
# A Unix socket path has at most 107 bytes: a deep state directory gets a short one in /tmp, named for it.
sock="$dir/mariadb.sock"
if [ "${#sock}" -gt 100 ]; then sock="/tmp/two-factor-mariadb-$(printf %s "$dir" | md5sum | cut -c1-16).sock"; fi

log() { echo "mariadb-test-server: $*" >&2; }

for tool in mariadb-install-db mariadbd mariadb; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool not found (Debian: apt-get install -y mariadb-server)"; exit 1; }
done

# The OS user that owns the data: root hands over to `mysql`; anyone else runs the server as themselves.
server_user=mysql
if [ "$(id -u)" = 0 ]; then owner=mysql; else owner="$(id -un)"; fi
# shellcheck source=scripts/test-server-lib.sh
. "$(dirname "$0")/test-server-lib.sh"

pid() { cat "$dir/mariadb.pid" 2>/dev/null || true; }
running() {
  local p
  p="$(pid)"
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

url() { echo "mysql://$user:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/$db"; }

# The install script creates an all-privilege account for its OS user, authenticated by unix_socket.
admin() { as_owner mariadb --no-defaults -S "$sock" -u "$owner" --batch --skip-column-names "$@"; }

init() {
  make_state_dir
  # The server's own temporary directory: the caller's TMPDIR may not be writable by `mysql`.
  mkdir -p "$dir/tmp"
  if [ "$(id -u)" = 0 ]; then chown mysql: "$dir/tmp"; fi
  if [ ! -d "$data/mysql" ]; then
    log "mariadb-install-db into $data"
    TMPDIR="$dir/tmp" as_owner mariadb-install-db --no-defaults --datadir="$data" --tmpdir="$dir/tmp" \
      --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 || {
      cat "$dir/install.log" >&2
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
  log "starting MariaDB on 127.0.0.1:$port"
  # setsid + closed descriptors: the server outlives this script and holds none of its caller's pipes.
  as_owner setsid mariadbd --no-defaults --datadir="$data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$sock" --tmpdir="$dir/tmp" --pid-file="$dir/mariadb.pid" --log-error="$dir/server.log" --skip-name-resolve \
    --innodb-buffer-pool-size=64M --max-connections=200 </dev/null >/dev/null 2>&1 &
  local launcher=$! i
  for i in $(seq 1 600); do
    if [ -S "$sock" ] && admin -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    # A server that exited (a bad option, a taken port) will not answer: fail now, not after a minute.
    if ! kill -0 "$launcher" 2>/dev/null || [ "$i" = 600 ]; then
      log "MariaDB did not start (log: $dir/server.log)"
      tail -n 30 "$dir/server.log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  local password
  password="$(cat "$dir/password")"
  admin -e "CREATE DATABASE IF NOT EXISTS $db;
    CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
    GRANT ALL PRIVILEGES ON $db.* TO '$user'@'127.0.0.1';"
  url
}

stop() {
  if running; then
    log "stopping"
    local p
    p="$(pid)"
    kill -TERM "$p"
    local i
    for i in $(seq 1 600); do
      kill -0 "$p" 2>/dev/null || return 0
      sleep 0.1
    done
    log "still running after 60 s: SIGKILL"
    kill -KILL "$p" 2>/dev/null || true
  fi
}

case "$cmd" in
  start) start ;;
  url)
    running || { log "not running (scripts/mariadb-test-server.sh start)"; exit 1; }
    url
    ;;
  stop) stop ;;
  destroy)
    stop
    rm -rf "$dir"
    rm -f "$sock"
    ;;
  *)
    log "usage: $0 start|url|stop|destroy"
    exit 2
    ;;
esac
