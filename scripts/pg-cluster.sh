#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on a private port and socket directory.
#   scripts/pg-cluster.sh start DIR PORT   -> prints the SQLAlchemy URL of database klachtdesk_test
#   scripts/pg-cluster.sh stop DIR
# Installs Debian's postgresql-15 when the server is missing. PostgreSQL refuses to
# run as root, so as root the cluster runs as the `postgres` user.
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
    as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
    as_owner "$PGBIN/createdb" -h "$dir" -p "$port" -U postgres klachtdesk_test
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/klachtdesk_test"
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
