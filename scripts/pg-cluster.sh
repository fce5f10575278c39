#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on a private port and socket directory.
#   scripts/pg-cluster.sh start DIR PORT   -> prints the SQLAlchemy URL of database klachtdesk_test
#                                             (as the owner `postgres`, through the private socket)
#   scripts/pg-cluster.sh stop DIR
# Installs Debian's postgresql-15 when the server is missing. PostgreSQL refuses to
# run as root, so as root the cluster runs as the `postgres` user.
# Authentication as on a real desk: the owner `postgres` is trusted on the private socket
# only (mode 0700, so only the account running the cluster and root reach it); every other
# login (the staff's own roles) gives its password, scram-sha-256, over the socket or TCP.
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
action=${1:?start|stop}
dir=${2:?directory}
port=${3:-55432}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install_server() {
    if [ ! -x "$PGBIN/postgres" ]; then
        echo "PostgreSQL 15 installeren (Debian-pakket postgresql-15) ..." >&2
        export DEBIAN_FRONTEND=noninteractive
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >&2 && apt-get install -y -qq postgresql-15 >&2
        else
            sudo apt-get update -qq >&2 && sudo apt-get install -y -qq postgresql-15 >&2
        fi
    fi
}

case "$action" in
start)
    install_server
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    # the owner gets a random password that nobody keeps: it connects by the socket alone
    (umask 077 && head -c 32 /dev/urandom | base64 >"$dir/pw")
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/pw"; fi
    as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A scram-sha-256 --no-instructions \
        --pwfile="$dir/pw" -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$dir/pw"
    as_owner tee "$dir/data/pg_hba.conf" >/dev/null <<'HBA'
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
host    all       all       ::1/128        scram-sha-256
HBA
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c unix_socket_permissions=0700 -c password_encryption=scram-sha-256 -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
    as_owner "$PGBIN/createdb" -h "$dir" -p "$port" -U postgres klachtdesk_test
    echo "postgresql+psycopg://postgres@/klachtdesk_test?host=$dir&port=$port"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "gebruik: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
