# shellcheck shell=bash
# Sourced by run.sh and test.sh: finds (or installs) the servers the service and its tests need.
#if (postgres && redis)
# Debian packages: postgresql (initdb, pg_ctl, postgres, psql), redis-server; prometheus (promtool
# and the server) for the metrics tests.
#elif (postgres)
# Debian packages: postgresql (initdb, pg_ctl, postgres, psql); prometheus (promtool and the server)
# for the metrics tests.
#elif (redis)
# Debian packages: redis-server; prometheus (promtool and the server) for the metrics tests.
#else
# Debian packages: prometheus (promtool and the server) for the metrics tests.
#endif
#if (postgres)

# Debian keeps the PostgreSQL server binaries out of PATH, under /usr/lib/postgresql/<major>/bin.
pg_bin_dir() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}
#endif

missing_packages() {
  local missing=()
#if (postgres)
  [ -n "$(pg_bin_dir)" ] && command -v psql >/dev/null 2>&1 || missing+=(postgresql)
#endif
#if (redis)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
#endif
  local extra
  for extra in "$@"; do
    case "$extra" in
      prometheus) command -v promtool >/dev/null 2>&1 || missing+=(prometheus) ;;
      *) command -v "$extra" >/dev/null 2>&1 || missing+=("$extra") ;;
    esac
  done
  echo "${missing[*]}"
}

# ensure_packages [extra-package ...]: install what is missing when root, else say what to run.
ensure_packages() {
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Debian packages: $missing"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    # Packaged servers start system instances; the tests run their own throwaway servers instead.
#if (postgres)
    if command -v service >/dev/null 2>&1; then service postgresql stop >/dev/null 2>&1 || true; fi
#endif
#if (redis)
    if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
#endif
    if command -v service >/dev/null 2>&1; then service prometheus stop >/dev/null 2>&1 || true; fi
  else
    echo "error: missing: $missing" >&2
    echo "  install them with: sudo apt-get install -y $missing" >&2
    local hint=""
#if (postgres)
    hint="TEST_POSTGRES"
#endif
#if (redis)
    hint="${hint:+$hint / }TEST_REDIS"
#endif
    [ -z "$hint" ] || echo "  (or point the tests at running servers with $hint connection strings)" >&2
    return 1
  fi
}

# free_port: a TCP port nothing listens on right now.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "error: no free port found" >&2; return 1
}
#if (postgres)

# as_postgres CMD...: PostgreSQL refuses to run as root; drop to the postgres user when we are root.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
#endif
