#!/usr/bin/env bash
# `make bench`: release build, criterion on the hot token functions, then the whole stack as
# seven processes (identity, auth, org, enterprise, audit, webhooks, gateway) with production argon2 parameters, loaded by
# janua-bench. Everything it starts or creates is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_SCENARIO="${BENCH_SECONDS:-10}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
DB="janua_bench"

echo "== building release binaries"
cargo build --release -p janua -p janua-bench

# BENCH_ONLY names the load scenarios to run (the in-process figures are then left out).
if [ -z "${BENCH_ONLY:-}" ]; then
  echo "== criterion: hot functions"
  cargo bench -p janua-tokens --bench tokens -- --warm-up-time 1 --measurement-time 3 2>&1 \
    | grep -E "^(access|refresh)|time:" || true
  cargo bench -p janua-authz --bench evaluate -- --warm-up-time 1 --measurement-time 3 2>&1 \
    | grep -E "^policy|time:" || true
fi

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
rabbitmqctl -q add_vhost janua-bench >/dev/null 2>&1 || true
rabbitmqctl -q set_permissions -p janua-bench guest ".*" ".*" ".*" >/dev/null

export JANUA_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export JANUA_AMQP_URL="amqp://guest:guest@127.0.0.1:5672/janua-bench"
export JANUA_REDIS_PREFIX="bench:$$"
export JANUA_PUBLIC_URL="http://127.0.0.1:18080"
export JANUA_GATEWAY__PORT=18080 JANUA_GATEWAY__URL=http://127.0.0.1:18080
export JANUA_AUTH__PORT=18081 JANUA_AUTH__URL=http://127.0.0.1:18081
export JANUA_IDENTITY__PORT=18082 JANUA_IDENTITY__URL=http://127.0.0.1:18082
export JANUA_ORG__PORT=18083 JANUA_ORG__URL=http://127.0.0.1:18083
export JANUA_ENTERPRISE__PORT=18084 JANUA_ENTERPRISE__URL=http://127.0.0.1:18084
# janua-bench serves the SSO domain proofs from a DNS server on this port.
export JANUA_SSO__DNS_SERVERS=127.0.0.1:18053
export JANUA_WEBHOOKS__PORT=18085 JANUA_WEBHOOKS__URL=http://127.0.0.1:18085
export JANUA_AUDIT__PORT=18086 JANUA_AUDIT__URL=http://127.0.0.1:18086
# The audit and webhook figures need an admin, and a receiver on loopback.
export JANUA_BOOTSTRAP_ADMIN_EMAIL=bench-admin@example.com
export JANUA_BOOTSTRAP_ADMIN_PASSWORD="bench admin passphrase $$"
# The bench peers (webhook receiver, IdP) listen on loopback.
export JANUA_OUTBOUND__ALLOWED_NETWORKS=127.0.0.0/8
# The load comes from one address and one user: lift the per-IP and per-user tiers.
export JANUA_RATE_LIMITS__ANONYMOUS_PER_MIN=100000000
export JANUA_RATE_LIMITS__AUTHENTICATED_PER_MIN=100000000
export JANUA_RATE_LIMITS__ADMIN_PER_MIN=100000000
export JANUA_RATE_LIMITS__SCIM_PER_MIN=100000000
# TOTP load repeats codes (refused as replays): keep the brute-force delays out of the figure.
export JANUA_RATE_LIMITS__SIGNIN_FAILURES_PER_ACCOUNT=100000000
export JANUA_RATE_LIMITS__SIGNIN_FAILURES_PER_IP_PER_MIN=100000000
export JANUA_WEBAUTHN__RP_ORIGIN=http://localhost:18080
export JANUA_LOG__LEVEL=warn
export JANUA_SMTP__PORT=1

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  rabbitmqctl -q delete_vhost janua-bench >/dev/null 2>&1 || true
  redis-cli --scan --pattern "bench:$$:*" | xargs -r redis-cli del >/dev/null || true
}
trap cleanup EXIT

# Each process has its own management listener (Prometheus metrics).
JANUA_METRICS__PORT=19462 ./target/release/janua --target identity --migrate & identity=$!; pids+=("$identity")
JANUA_METRICS__PORT=19461 ./target/release/janua --target auth --migrate & auth=$!; pids+=("$auth")
JANUA_METRICS__PORT=19463 ./target/release/janua --target org --migrate & org=$!; pids+=("$org")
JANUA_METRICS__PORT=19464 ./target/release/janua --target enterprise --migrate & enterprise=$!; pids+=("$enterprise")
JANUA_METRICS__PORT=19466 ./target/release/janua --target audit --migrate & audit=$!; pids+=("$audit")
JANUA_METRICS__PORT=19465 ./target/release/janua --target webhooks --migrate & webhooks=$!; pids+=("$webhooks")
JANUA_METRICS__PORT=19460 ./target/release/janua --target gateway & gateway=$!; pids+=("$gateway")
# Readiness is per process (the gateway's does not wait for the services): wait for each.
for port in 18080 18081 18082 18083 18084 18085 18086; do
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$port/api/v1/health/ready" >/dev/null && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/api/v1/health/ready" >/dev/null || { echo "the service on :$port did not become ready"; exit 1; }
done

# BENCH_SCALE=1: the scale figures too, last (1,000,000 users loaded by SQL).
extra=()
if [ "${BENCH_SCALE:-0}" != 0 ]; then extra=(--scale); fi
# BENCH_ONLY=me,refresh: only those scenarios (to profile one, say).
if [ -n "${BENCH_ONLY:-}" ]; then extra+=(--only "$BENCH_ONLY"); fi

echo "== load (release build, one process per service)"
./target/release/janua-bench --gateway http://127.0.0.1:18080 --direct http://127.0.0.1:18082 \
  --seconds "$SECONDS_PER_SCENARIO" --concurrency "$CONCURRENCY" --webauthn-origin http://localhost:18080 \
  --admin-email "$JANUA_BOOTSTRAP_ADMIN_EMAIL" --admin-password "$JANUA_BOOTSTRAP_ADMIN_PASSWORD" \
  --enterprise http://127.0.0.1:18084 --database "$DB" --dns-port 18053 \
  "${extra[@]}" \
  --pids "gateway=$gateway,auth=$auth,identity=$identity,org=$org,enterprise=$enterprise,audit=$audit,webhooks=$webhooks"
