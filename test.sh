#!/usr/bin/env bash
# usage: ./test.sh [extra dotnet test arguments]
# Runs the whole test suite. The tests start their own throwaway PostgreSQL and Redis servers
# (or use TEST_POSTGRES / TEST_REDIS); this script only makes sure the binaries are installed.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/deps.sh
. scripts/deps.sh

ensure_packages
command -v dotnet >/dev/null 2>&1 || { echo "error: dotnet not found: install the .NET 10 SDK (https://dot.net)" >&2; exit 1; }

status=0
echo "==> service tests"
dotnet test HealthyApi.slnx -c Release --logger "console;verbosity=normal" "$@" || status=$?

# Repository only (not part of a generated service): instantiate the template and test the result.
if [ -d tests/HealthyApi.TemplateTests ]; then
  echo "==> template tests"
  dotnet test tests/HealthyApi.TemplateTests -c Release --logger "console;verbosity=normal" "$@" || status=$?
fi

# Servers a crashed test run may have left behind (each fixture removes its own on a normal exit).
pkill -f "healthyapi-tests-[0-9]+/pg-" 2>/dev/null || true
exit $status
