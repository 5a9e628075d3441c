#!/usr/bin/env bash
# usage: bench/run.sh [--quick]
# Builds the service and two baselines in Release, starts throwaway PostgreSQL and Redis, runs every
# scenario with wrk (and a small Python load-balancer client), and writes bench/results/latest.md and
# latest.json. --quick (about 7 minutes) runs fewer and shorter rounds (3 of throughput, 5 of start-up);
# the full run 5 and 9, longer.
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
# The dotnet CLI leaves empty folders in $TMPDIR each time it runs: here, they go with the rest.
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
# Every process of this run inherits BENCH_RUN=$work; on exit, however it comes, those (and only those) go.
export BENCH_RUN=$work
clean_up() {
  local p
  [ -f "$work/run/pg/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$work/run/pg" -m immediate stop >/dev/null 2>&1
  for p in /proc/[0-9]*; do
    [ "$p" = "/proc/$$" ] && continue
    { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qxF "BENCH_RUN=$work" && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  rm -rf "$work"
}
trap clean_up EXIT
trap 'exit 130' INT TERM

# Published as the image is: the Dockerfile's own publish flags (ReadyToRun, framework-dependent, no
# apphost), for this machine's architecture; all three apps get the same, so the comparison stays fair.
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
read -r -a publish_flags <<<"$(sed -n 's/^RUN dotnet publish [^ ]* //p' Dockerfile | sed -e 's/ -o [^ ]*//' -e 's/--no-restore//' \
  -e "s/\$TARGETARCH/$arch/g" -e 's/-p:SourceRevisionId=\$SOURCE_REVISION//')"
echo "==> building into $work: dotnet publish ${publish_flags[*]}"
dotnet publish src/HealthyApi/HealthyApi.csproj "${publish_flags[@]}" -o "$work/ours" --nologo -v q
# The baselines live outside the repository's Directory.*.props (central versions, analyzers).
cp -r bench/baselines "$work/baselines-src"
dotnet publish "$work/baselines-src/bare/Bare.csproj" "${publish_flags[@]}" -o "$work/bare" --nologo -v q
dotnet publish "$work/baselines-src/naive/Naive.csproj" "${publish_flags[@]}" -o "$work/naive" --nologo -v q

mkdir -p "$work/run"
python3 bench/bench.py $quick --ours "$work/ours/HealthyApi.dll" --bare "$work/bare/Bare.dll" --naive "$work/naive/Naive.dll" \
  --pg-bin "$PG_BIN" --work "$work/run" --command "bench/run.sh${quick:+ $quick}" --publish-flags "${publish_flags[*]}"
