#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on 127.0.0.1, then remove it.
# Exports TEST_DATABASE_URL for the command. Needs PostgreSQL's server binaries (initdb, pg_ctl).
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
export PATH="${PGBIN:+$PGBIN:}$PATH"
if ! command -v initdb >/dev/null; then
  echo "PostgreSQL server binaries not found: install them (Debian: apt-get install postgresql) to run the PostgreSQL suite." >&2
  exit 1
fi

PORT=${PGPORT_TEST:-5433}
DIR=$(mktemp -d /tmp/portal-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root: use the postgres account.
  chown postgres "$DIR"
  RUN_AS=(runuser -u postgres --)
fi
cleanup() {
  "${RUN_AS[@]}" pg_ctl -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"${RUN_AS[@]}" initdb -D "$DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" pg_ctl -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -c fsync=off -c unix_socket_directories=$DIR" start >/dev/null

export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
echo "PostgreSQL running on 127.0.0.1:$PORT for this test run"
"$@"
