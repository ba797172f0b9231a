# Everything a person does twice. `make up` runs the stack, `make test` runs every test.
SHELL := /bin/bash
DATABASE ?= janua
export JANUA_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(DATABASE)

.PHONY: setup build up run test check fmt clippy deploy-check bench clean-test-state

setup:
	@bash scripts/setup.sh

build: setup
	cargo build -p janua

## Starts the whole stack: dependencies, database, migrations, then `janua --target all`
## (gateway on http://127.0.0.1:8080).
up: build
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(DATABASE)'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(DATABASE)"
	./target/debug/janua --target all --migrate

## Every test: unit tests of each crate, the end-to-end suite through the gateway, and the
## offline validation of the Kubernetes manifests.
test: setup
	bash deploy/validate.sh
	cargo nextest run --workspace --no-fail-fast

check: fmt clippy

fmt:
	cargo fmt --all -- --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings

deploy-check:
	bash deploy/validate.sh

## Removes test databases and vhosts left by interrupted test runs.
clean-test-state:
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'janua_test_%'" \
		| xargs -r -I{} psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE "{}" WITH (FORCE)'
	@rabbitmqctl -q list_vhosts | grep '^janua-test-' | xargs -r -n1 rabbitmqctl -q delete_vhost

## Load figures (release build): argon2 ceiling, sign-ins/s and ratio, refreshes/s, /me
## through the gateway vs direct, RSS per service; plus criterion on hot token functions.
bench: setup
	bash scripts/bench.sh
