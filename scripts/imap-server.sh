#!/usr/bin/env bash
# A throwaway Dovecot IMAP server on private ports with its own mail store, for tests.
#   scripts/imap-server.sh start DIR [PORT] [TLSPORT]   -> writes DIR/imap.env, prints its path
#   scripts/imap-server.sh stop DIR
# Installs Debian's dovecot-imapd when the server is missing. One user, "desk" with the
# password "geheim", whose mail is a Maildir under DIR/home; IMAP on PORT (plain, for
# 127.0.0.1 only) and IMAPS on TLSPORT with a self-signed certificate (DIR/ca.pem).
set -euo pipefail

action=${1:?start|stop}
dir=${2:?directory}
port=${3:-55143}
tlsport=${4:-55993}

install_server() {
    if ! command -v dovecot >/dev/null 2>&1; then
        echo "Dovecot installeren (Debian-pakket dovecot-imapd) ..." >&2
        export DEBIAN_FRONTEND=noninteractive
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >&2 && apt-get install -y -qq dovecot-imapd >&2
        else
            sudo apt-get update -qq >&2 && sudo apt-get install -y -qq dovecot-imapd >&2
        fi
    fi
}

case "$action" in
start)
    install_server
    mkdir -p "$dir/run" "$dir/state" "$dir/home"
    chmod 755 "$dir"
    dir=$(cd "$dir" && pwd)
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$dir/key.pem" -out "$dir/ca.pem" >/dev/null 2>&1
    chmod 600 "$dir/key.pem"
    uid=$(id -u); gid=$(id -g)
    if [ "$uid" = 0 ]; then  # Dovecot serves no mail as root: the store belongs to the user 'mail'
        uid=$(id -u mail); gid=$(id -g mail)
        chown "$uid:$gid" "$dir/home"
    fi
    echo "desk:{PLAIN}geheim" > "$dir/users"
    internal=dovecot; login=dovenull
    if [ "$(id -u)" != 0 ]; then internal=$(id -un); login=$(id -un); fi
    cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/ca.pem
ssl_key = <$dir/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = $internal
default_login_user = $login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $tlsport
    ssl = yes
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
protocol imap {
  mail_max_userip_connections = 200
}
CONF
    dovecot -c "$dir/dovecot.conf"
    for _ in $(seq 1 50); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$tlsport") 2>/dev/null; then break; fi
        sleep 0.1
    done
    printf '{"host": "127.0.0.1", "port": %s, "tls_port": %s, "user": "desk", "password": "geheim", "ca_file": "%s"}\n' \
        "$port" "$tlsport" "$dir/ca.pem" > "$dir/imap.env"
    echo "$dir/imap.env"
    ;;
stop)
    if [ -f "$dir/dovecot.conf" ]; then
        doveadm -c "$dir/dovecot.conf" stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "gebruik: $0 start|stop DIR [PORT] [TLSPORT]" >&2
    exit 2
    ;;
esac
