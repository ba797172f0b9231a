#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test Janua, and starts PostgreSQL,
# Redis and RabbitMQ if they are not running. Idempotent; safe to run before every `make`.
set -euo pipefail

need_pkgs=()
for pkg in pkg-config libssl-dev libxml2-dev libxmlsec1-dev libclang-dev xmlsec1; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! command -v cargo-nextest >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

# PostgreSQL (trust auth for postgres on 127.0.0.1:5432).
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "setup: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
fi

# Redis.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "setup: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

# RabbitMQ (guest/guest on 127.0.0.1:5672).
if ! rabbitmqctl -q status >/dev/null 2>&1; then
  echo "setup: starting RabbitMQ"
  rabbitmq-server -detached
  rabbitmqctl -q wait --timeout 60 /var/lib/rabbitmq/mnesia/rabbit@"$(hostname -s)".pid >/dev/null 2>&1 \
    || for _ in $(seq 1 120); do rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 0.5; done
fi
echo "setup: PostgreSQL, Redis and RabbitMQ are up"

# PgBouncer for the pooler tests (tests/api/pooler.rs). Debian 12 ships 1.18, which cannot carry
# protocol-level prepared statements in transaction mode (every tokio-postgres client, JDBC and
# psycopg 3 use them); 1.21 added max_prepared_statements. So: Debian 13's source package
# (1.24.1, from Debian's archive, checksum pinned), built here against bookworm's libraries.
pgbouncer_version="1.24.1"
pgbouncer_sha256="da72a3aba13072876d055a3e58dd4aba4a5de4ed6148e73033185245598fd3e0"
pgbouncer_root="$(cd "$(dirname "$0")/.." && pwd)/target/test-tools/pgbouncer"
if [ ! -x "$pgbouncer_root/bin/pgbouncer" ]; then
  echo "setup: building PgBouncer $pgbouncer_version (Debian source package) for the pooler tests"
  need_pkgs=()
  for pkg in libevent-dev libc-ares-dev pkg-config make gcc; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
  done
  if [ ${#need_pkgs[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  fi
  work="$(mktemp -d)"
  curl -fsSL -o "$work/pgbouncer.tar.gz" \
    "http://deb.debian.org/debian/pool/main/p/pgbouncer/pgbouncer_${pgbouncer_version}.orig.tar.gz"
  echo "$pgbouncer_sha256  $work/pgbouncer.tar.gz" | sha256sum -c --quiet
  tar -xzf "$work/pgbouncer.tar.gz" -C "$work"
  (cd "$work/pgbouncer-$pgbouncer_version" \
    && ./configure -q --prefix="$pgbouncer_root" --without-systemd --without-pam --without-ldap >/dev/null \
    && make -s -j2 >/dev/null && make -s install >/dev/null)
  rm -rf "$work"
fi

# The independent protocol peers the tests run (tests/tools/requirements.txt), in a venv under
# target/. Reinstalled when the requirements change.
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/test-tools/venv"
requirements="$root/tests/tools/requirements.txt"
if ! cmp -s "$requirements" "$venv/requirements.installed" 2>/dev/null; then
  echo "setup: installing the test tools (tests/tools/requirements.txt)"
  if ! python3 -m venv --help >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.installed"
fi

# The OpenID Provider the SSO tests run (npm's oidc-provider, pinned by its lockfile).
if ! cmp -s "$root/tests/tools/oidc-provider/package-lock.json" \
    "$root/tests/tools/oidc-provider/node_modules/.package-lock.installed" 2>/dev/null; then
  echo "setup: installing the OpenID Provider for the tests (tests/tools/oidc-provider)"
  if ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  npm ci --prefix "$root/tests/tools/oidc-provider" --no-audit --no-fund --loglevel=error
  cp "$root/tests/tools/oidc-provider/package-lock.json" \
    "$root/tests/tools/oidc-provider/node_modules/.package-lock.installed"
fi
