#!/usr/bin/env bash
# usage: ./test.sh [extra dotnet test arguments]
# Runs the whole test suite. The tests start their own throwaway PostgreSQL and Redis servers
# (or use TEST_POSTGRES / TEST_REDIS) and a Prometheus server for the scrape test; this script only
# makes sure the binaries are installed: promtool and prometheus (Debian package prometheus), and
# python3-jsonschema + python3-yaml for the Helm values schema tests.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/deps.sh
. scripts/deps.sh

ensure_packages prometheus python3-jsonschema
command -v dotnet >/dev/null 2>&1 || { echo "error: dotnet not found: install the .NET 10 SDK (https://dot.net)" >&2; exit 1; }

status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "==> service tests"
dotnet test HealthyApi.slnx -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?

# Repository only (not part of a generated service): instantiate the template and test the result.
if [ -d tests/HealthyApi.TemplateTests ]; then
  echo "==> template tests"
  dotnet test tests/HealthyApi.TemplateTests -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?
fi

# Servers a crashed test run may have left behind (each fixture removes its own on a normal exit).
pkill -f "healthyapi-tests-[0-9]+/pg-" 2>/dev/null || true

passed=$(awk '/^ +Passed: +[0-9]+/ {n += $2} END {print n + 0}' "$log")
failed=$(awk '/^ +Failed: +[0-9]+/ {n += $2} END {print n + 0}' "$log")
echo "$passed passed, $failed failed"
if [ "$passed" -eq 0 ]; then echo "error: no test ran" >&2; status=1; fi
exit $status
