#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, in a folder of its own, reached by a Unix socket
# in that folder only (no TCP port), trust authentication, fsync off. Debian's `postgresql`
# package provides the binaries. The server refuses to run as root: under root it runs as the
# `postgres` user the package creates.
#   Tests/postgres/server.sh start DIR    prints the connection URL (database postgres, user clientele)
#   Tests/postgres/server.sh stop DIR
set -euo pipefail
# Close every descriptor above stderr that the caller passed down: the server outlives this
# script, and an inherited descriptor (Foundation's Process watches one to see its child exit)
# would make the caller wait for the server.
for fd in $(ls /proc/$$/fd); do
    if [[ "$fd" -gt 2 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
command="$1"
dir="$(readlink -f "$2")"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[[ -x "$bin/initdb" ]] || { echo "error: no PostgreSQL server binaries under /usr/lib/postgresql (apt install postgresql)" >&2; exit 69; }
as=()
if [[ "$(id -u)" -eq 0 ]]; then as=(runuser -u postgres --); chown postgres "$dir"; fi
case "$command" in
start)
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U clientele --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # No descriptor of ours reaches the server: a caller reading this script's output through a
    # pipe would otherwise wait for the server to exit.
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses= -F -c max_connections=20" start </dev/null >"$dir/pg_ctl.log" 2>&1 \
        || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$dir&user=clientele"
    ;;
stop)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop </dev/null >/dev/null 2>&1
    ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 64 ;;
esac
