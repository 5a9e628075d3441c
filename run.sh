#!/usr/bin/env bash
# usage: ./run.sh
#if (postgres && redis)
# Starts throwaway PostgreSQL and Redis servers, builds and runs the service against them, prints the
# probe URLs, and on Ctrl+C stops everything it started. Nothing is left behind.
#elif (postgres)
# Starts a throwaway PostgreSQL server, builds and runs the service against it, prints the probe URLs,
# and on Ctrl+C stops everything it started. Nothing is left behind.
#elif (redis)
# Starts a throwaway Redis server, builds and runs the service against it, prints the probe URLs, and
# on Ctrl+C stops everything it started. Nothing is left behind.
#else
# Builds and runs the service, prints the probe URLs, and stops it on Ctrl+C.
#endif
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/deps.sh
. scripts/deps.sh

ensure_packages
command -v dotnet >/dev/null 2>&1 || { echo "error: dotnet not found: install the .NET 10 SDK (https://dot.net)" >&2; exit 1; }

#if (postgres)
PG_BIN=$(pg_bin_dir)
#endif
APP_PORT=${APP_PORT:-8080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-8081}
#if (postgres)
PG_PORT=$(free_port)
PG_PASSWORD="local-$(date +%s)-$RANDOM"
#endif
#if (redis)
REDIS_PORT=$(free_port)
#endif

STATE=$(mktemp -d "${TMPDIR:-/tmp}/healthy-api-run.XXXXXX")
chmod 755 "$STATE"
# The dotnet CLI leaves empty folders in $TMPDIR each time it runs: here, they go with the rest.
export TMPDIR="$STATE/tmp"
mkdir -p "$TMPDIR"
#if (postgres)
PG_DATA="$STATE/pg"
mkdir -p "$PG_DATA"
[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DATA" "$STATE"
#endif

cleanup() {
  set +e
  echo
  echo "==> stopping"
  [ -n "${APP_PID:-}" ] && kill -TERM "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
#if (postgres)
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
#endif
#if (redis)
  [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null
#endif
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

#if (postgres)
echo "==> PostgreSQL on 127.0.0.1:$PG_PORT (data in $PG_DATA)"
printf '%s\n' "$PG_PASSWORD" >"$STATE/pwfile"
[ "$(id -u)" -eq 0 ] && chown postgres "$STATE/pwfile"
as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$STATE/pwfile" --auth-host=scram-sha-256 --auth-local=trust >/dev/null
rm -f "$STATE/pwfile"
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$STATE/postgres.log" -w \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$STATE" start >/dev/null
PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE app" >/dev/null
#endif
#if (redis)

echo "==> Redis on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --logfile "$STATE/redis.log" &
REDIS_PID=$!
#endif

#if (postgres)
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PG_PORT;Database=app;Username=postgres;Password=$PG_PASSWORD"
#endif
#if (redis)
export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT"
#endif
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export ASPNETCORE_HTTP_PORTS=$APP_PORT
export Management__Port=$MANAGEMENT_PORT

echo "==> building"
dotnet build src/HealthyApi -c Debug -v quiet -nologo >/dev/null
cat <<INFO

  API         http://localhost:$APP_PORT/            (try: curl -X POST localhost:$APP_PORT/api/notes -H 'Content-Type: application/json' -d '{"text":"hi"}')
  liveness    http://localhost:$MANAGEMENT_PORT/healthz
  readiness   http://localhost:$MANAGEMENT_PORT/readyz
  drain       curl -X POST localhost:$MANAGEMENT_PORT/admin/drain    (resume: /admin/resume)

INFO
stops="the service"
#if (postgres)
stops="$stops, PostgreSQL"
#endif
#if (redis)
stops="$stops, Redis"
#endif
echo "  Ctrl+C stops $stops."
echo
# Run from the output folder: it is the content root, where appsettings*.json are.
(cd src/HealthyApi/bin/Debug/net10.0 && exec dotnet HealthyApi.dll) &
APP_PID=$!
wait "$APP_PID"
