# Shared by scripts/pg-test-server.sh and scripts/mariadb-test-server.sh (sourced, not run): the state
# directory, its password and its port. Each script sets `dir`, `preferred_port` and `server_user` (the OS
# user its server runs as under root) and defines `log` before sourcing this file.

# Runs a command as the server's OS user: root hands over to it; anyone else runs the command as themselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$server_user" -- "$@"
  else
    "$@"
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The state directory (0700) with a random password in it, both owned by the server's user under root.
make_state_dir() {
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/password" ]; then
    # Hex only, so the URL needs no percent-encoding.
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$dir/password"
  fi
  if [ "$(id -u)" = 0 ]; then chown "$server_user": "$dir" "$dir/password"; fi
}

# Records a free port in $dir/port, the preferred one or the next free one, once.
choose_port() {
  if [ -f "$dir/port" ]; then return; fi
  local p="$preferred_port"
  while port_busy "$p"; do
    p=$((p + 1))
    if [ "$p" -gt $((preferred_port + 200)) ]; then log "no free port near $preferred_port"; exit 1; fi
  done
  echo "$p" >"$dir/port"
  if [ "$(id -u)" = 0 ]; then chown "$server_user": "$dir/port"; fi
}
