#!/usr/bin/env bash
# Builds (or reuses) the Pulumi CLI this package is tested with, from the Go module proxy, with the
# ordinary `go` client. Used by .ci/run, the real-engine tests (test/program-cli/) and developers.
#
#   bash scripts/pulumi-cli.sh ensure    # build if missing, then print the bin dir (put it on PATH)
#   bash scripts/pulumi-cli.sh ensure --if-go   # same, but only say so and succeed when Go is absent
#                                               # (npm test: the real-engine tests then skip with that reason)
#   bash scripts/pulumi-cli.sh bin-dir   # print the bin dir without building (may not exist yet)
#   bash scripts/pulumi-cli.sh version   # print the pinned version (vX.Y.Z)
#
# The version is the `@pulumi/pulumi` version in package-lock.json, so the CLI and the SDK the
# program runs match. The bin dir holds:
#   pulumi                           the CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
#   pulumi-resource-pulumi-nodejs    the dynamic-provider launcher (runs @pulumi/pulumi/cmd/dynamic-provider)
# The Node.js language host is not built: its module has no version tags, and the proxy serves no
# version of it (not even a pseudo-version), so the tests and the demo drive the CLI through
# @pulumi/pulumi/automation with inline programs, which need no language host (automation/run.ts).
#
# Cache: ${PULUMI_AKAMAI_CPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akamai-cps}/pulumi-cli/<version>/
# (outside the repository; nothing built here is committed). A second run only checks
# `pulumi version` and takes well under a second.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

pinned_version() {
  # The lock file pins the SDK; node is needed anyway (the launcher runs it).
  local v
  v="$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/pulumi"].version' "$ROOT/package-lock.json")"
  echo "v${v}"
}

VERSION="${PULUMI_CLI_VERSION:-$(pinned_version)}"
CACHE_ROOT="${PULUMI_AKAMAI_CPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akamai-cps}"
DIR="$CACHE_ROOT/pulumi-cli/$VERSION"
BIN="$DIR/bin"

is_built() {
  [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-resource-pulumi-nodejs" ] &&
    [ "$("$BIN/pulumi" version 2>/dev/null)" = "$VERSION" ]
}

write_launcher() {
  # What upstream ships as pulumi-resource-pulumi-nodejs: the engine starts it in the program's
  # directory, and it runs the dynamic-provider host of the @pulumi/pulumi that program resolves.
  cat >"$1" <<'EOF'
#!/bin/sh
# Dynamic-provider plugin for the Pulumi engine: runs @pulumi/pulumi/cmd/dynamic-provider with node,
# resolved from the working directory (the program's), as the upstream launcher does.
if [ -n "${PULUMI_RUNTIME_NODE_OPTIONS:-}" ]; then
  export NODE_OPTIONS="${NODE_OPTIONS:-} $PULUMI_RUNTIME_NODE_OPTIONS"
fi
entry="$(node -p 'require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] })')" || exit 1
exec node "$entry" "$@"
EOF
  chmod +x "$1"
}

build() {
  command -v go >/dev/null 2>&1 || { echo "pulumi-cli.sh: go is not on PATH; install Go >= 1.26 to build the Pulumi CLI" >&2; exit 3; }
  local started wrapper out
  started=$(date +%s)
  wrapper="$DIR/wrapper"
  mkdir -p "$wrapper" "$BIN"
  # The CLI's own go.mod has `replace` directives (sdk/v3 => ../sdk; a clipboard fork), so
  # `go install …@version` refuses it. A wrapper module requiring pkg/v3 and sdk/v3 at the same
  # version builds it; the clipboard replace is copied so the dependency graph is upstream's.
  cat >"$wrapper/go.mod" <<EOF
module pulumi-akamai-cps.invalid/pulumi-cli

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 $VERSION
	github.com/pulumi/pulumi/sdk/v3 $VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
  echo "pulumi-cli.sh: building the Pulumi CLI $VERSION in $DIR (cold builds take minutes)" >&2
  out="$BIN/pulumi.tmp.$$"
  # Upstream's release flags: static, trimmed, and the version stamped in (without it `pulumi
  # version` prints nothing and the Automation API refuses the CLI).
  (cd "$wrapper" &&
    CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 go build -trimpath \
      -tags osusergo,grpcnotrace \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
      -o "$out" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv -f "$out" "$BIN/pulumi"
  write_launcher "$BIN/pulumi-resource-pulumi-nodejs"
  echo "pulumi-cli.sh: built $("$BIN/pulumi" version) in $(($(date +%s) - started))s" >&2
}

case "${1:-ensure}" in
  ensure)
    if [ "${2:-}" = "--if-go" ] && ! is_built && ! command -v go >/dev/null 2>&1; then
      echo "pulumi-cli.sh: go is not on PATH, so the Pulumi CLI is not built and the real-engine tests (test/program-cli) will be skipped" >&2
      exit 0
    fi
    if ! is_built; then
      mkdir -p "$DIR"
      # One build at a time per cache (CI steps, parallel jest workers, a developer's shell).
      exec 9>"$DIR/.lock"
      flock 9
      is_built || build
    fi
    echo "$BIN"
    ;;
  bin-dir) echo "$BIN" ;;
  version) echo "$VERSION" ;;
  *)
    echo "usage: $0 ensure|bin-dir|version" >&2
    exit 2
    ;;
esac
