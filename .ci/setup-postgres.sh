#!/bin/sh
# Install (if needed) and start a local PostgreSQL, and create the test role and database used by
# tests/test_serve_*.py. Idempotent: safe to run again. Needs root (apt-get, su postgres).
# Afterwards the tests find the server through $GMB_TEST_POSTGRES (default below).
set -eu

ROLE=${GMB_PG_ROLE:-gmb}
PASSWORD=${GMB_PG_PASSWORD:-gmb}
DB=${GMB_PG_DB:-gmb_test}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
fi

VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$VERSION main$"; then
    pg_createcluster "$VERSION" main
fi
if ! pg_lsclusters -h | awk '$1=="'"$VERSION"'" && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$VERSION" main start
fi

# Wait until it accepts connections (a fresh cluster takes a moment).
i=0
until su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -gt 30 ] && { echo "PostgreSQL did not start" >&2; exit 1; }
    sleep 1
done

psql_admin() { su postgres -c "psql -qtAc \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != "1" ]; then
    psql_admin "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='$DB'")" != "1" ]; then
    psql_admin "CREATE DATABASE $DB OWNER $ROLE"
fi

echo "GMB_TEST_POSTGRES=postgresql://$ROLE:$PASSWORD@127.0.0.1:5432/$DB"
