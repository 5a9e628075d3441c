#!/usr/bin/env bash
# usage: bench/run.sh [--quick]
# Builds the service and two baselines in Release, starts throwaway PostgreSQL and Redis, runs every
# scenario with wrk (and a small Python load-balancer client), and writes bench/results/latest.md and
# latest.json. --quick (< 3 minutes) runs each scenario once and shorter; the full run repeats rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/deps.sh
. scripts/deps.sh

quick=""
case "${1:-}" in
  --quick) quick="--quick" ;;
  "") ;;
  *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
esac

ensure_packages wrk nginx
command -v dotnet >/dev/null 2>&1 || { echo "error: dotnet not found: install the .NET 10 SDK (https://dot.net)" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "error: python3 not found: sudo apt-get install -y python3" >&2; exit 1; }
PG_BIN=$(pg_bin_dir)

work=$(mktemp -d "${TMPDIR:-/tmp}/healthy-api-bench.XXXXXX")
chmod 755 "$work"
trap 'pkill -f "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "==> building (Release) into $work"
dotnet publish src/HealthyApi/HealthyApi.csproj -c Release -o "$work/ours" -p:UseAppHost=false --nologo -v q
# The baselines live outside the repository's Directory.*.props (central versions, analyzers).
cp -r bench/baselines "$work/baselines-src"
dotnet publish "$work/baselines-src/bare/Bare.csproj" -c Release -o "$work/bare" -p:UseAppHost=false --nologo -v q
dotnet publish "$work/baselines-src/naive/Naive.csproj" -c Release -o "$work/naive" -p:UseAppHost=false --nologo -v q

mkdir -p "$work/run"
python3 bench/bench.py $quick --ours "$work/ours/HealthyApi.dll" --bare "$work/bare/Bare.dll" --naive "$work/naive/Naive.dll" \
  --pg-bin "$PG_BIN" --work "$work/run" --command "bench/run.sh${quick:+ $quick}"
