#!/usr/bin/env bash
# usage: ./test.sh [extra dotnet test arguments]
# Runs the whole test suite. The tests start their own throwaway PostgreSQL and Redis servers
# (or use TEST_POSTGRES / TEST_REDIS) and a Prometheus server for the scrape test; this script only
# makes sure the binaries are installed: promtool and prometheus (Debian package prometheus), and the
# deploy tests' tools (scripts/deploy-tools.sh: helm, kubectl, node's schema validators, podman).
# Everything a run starts lives under one folder of its own; when the run ends, however it ends,
# no process and no file of it may remain, and this script fails the run if any does.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
# shellcheck source=scripts/deploy-tools.sh
. scripts/deploy-tools.sh

ensure_packages prometheus
ensure_deploy_tools tests/HealthyApi.Tests/Deploy/validate
command -v dotnet >/dev/null 2>&1 || { echo "error: dotnet not found: install the .NET 10 SDK (https://dot.net)" >&2; exit 1; }

log=$(mktemp)
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$PWD")-tests-XXXXXX")
chmod 755 "$run_dir" # the postgres user keeps its clusters below it
# The dotnet CLI leaves two empty folders in $TMPDIR each time it runs (SDK 10.0.4xx), hundreds in a run
# of the template tests: it gets a temp folder of this run's, deleted with it. (Not the run folder itself:
# the servers' socket paths below it must stay short.)
sdk_tmp=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$PWD")-tmp-XXXXXX")
export TMPDIR=$sdk_tmp

# Processes of this run: every one inherits TEST_TMPDIR=$run_dir (servers, services, the fixtures' reaper),
# or works in a folder below it (redis-server overwrites its environment with its process title).
run_processes() {
  local p
  for p in /proc/[0-9]*; do
    [ "$p" = "/proc/$$" ] && continue
    if { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qxF "TEST_TMPDIR=$run_dir"; then
      echo "${p#/proc/}"
    else
      case "$(readlink "$p/cwd" 2>/dev/null)" in "$run_dir"/*) echo "${p#/proc/}" ;; esac
    fi
  done
  return 0
}

# The fixtures clean up after themselves within seconds of the test host's exit; anything still here
# after that is a leak: report it, then remove it (it is this run's alone).
leftovers=0
check_leftovers() {
  local deadline=$((SECONDS + 20)) pids files
  while :; do
    pids=$(run_processes)
    files=$(find "$run_dir" -mindepth 1 -maxdepth 1 2>/dev/null | head -n 5)
    [ -z "$pids$files" ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      leftovers=1
      echo "error: the test run left this behind (a fixture does not clean up):" >&2
      for pid in $pids; do echo "  process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)" >&2; done
      [ -n "$files" ] && echo "  files: $(du -sh "$run_dir" 2>/dev/null | cut -f1) in $run_dir" >&2
      break
    fi
    sleep 1
  done
}

clean_up() {
  local pid folder p
  for pid in $(run_processes); do kill -CONT "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null || true; done
  # Container storage (the image test's): processes chrooted into it and its mounts go before the files.
  # The reapers would do this, but they carry TEST_TMPDIR too and were just killed with the rest.
  for folder in $(cat "$run_dir"/*/run.folders 2>/dev/null) "$run_dir"; do
    for p in /proc/[0-9]*; do
      case "$(readlink "$p/root" 2>/dev/null)" in "$folder"/*) kill -KILL "${p#/proc/}" 2>/dev/null || true ;; esac
    done
    awk -v root="$folder/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n 1 umount -l 2>/dev/null || true
    rm -rf -- "$folder" 2>/dev/null || true
  done
  rm -rf -- "$sdk_tmp"
  rm -f -- "$log"
}
trap clean_up EXIT
trap 'exit 130' INT TERM

status=0
echo "==> build"
dotnet build HealthyApi.slnx -c Release 2>&1 | tee -a "$log" || status=$?
if [ -d tests/HealthyApi.TemplateTests ]; then
  dotnet build tests/HealthyApi.TemplateTests -c Release 2>&1 | tee -a "$log" || status=$?
fi
echo "==> service tests"
TEST_TMPDIR=$run_dir dotnet test HealthyApi.slnx -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?

# Repository only (not part of a generated service): instantiate the template and test the result.
if [ -d tests/HealthyApi.TemplateTests ]; then
  echo "==> template tests"
  TEST_TMPDIR=$run_dir dotnet test tests/HealthyApi.TemplateTests -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?
fi

check_leftovers
[ "$leftovers" -eq 0 ] || status=1

passed=$(awk '/^ +Passed: +[0-9]+/ {n += $2} END {print n + 0}' "$log")
failed=$(awk '/^ +Failed: +[0-9]+/ {n += $2} END {print n + 0}' "$log")
echo "$passed passed, $failed failed"
if [ "$passed" -eq 0 ]; then echo "error: no test ran" >&2; status=1; fi
exit $status
