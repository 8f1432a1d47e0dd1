#!/usr/bin/env bash
# Prepares the two Akamai peers of the emulator that test/interop runs, outside the repository and
# cached between runs (both under ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akamai-cps, as
# test/interop/peers.ts expects):
#   - venv-edgegrid: a Python venv with Akamai's edgegrid-python (and requests), pinned below;
#   - go-cps: test/interop/go-cps built with Akamai's Go client (its go.mod pins the version), so the
#     first jest run does not pay for the build. The go command's own module and build caches are used.
# Without go it says so and leaves that peer out (the Go test then skips with a message); python3 and
# its venv module it installs from Debian when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

EDGEGRID_PYTHON_VERSION=2.0.9
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akamai-cps"
VENV="$CACHE/venv-edgegrid"
mkdir -p "$CACHE"

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
# Debian's python3 makes venvs only with python3-venv; CI needs this peer, so install what is missing.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "$@" >/dev/null
}

if ! command -v python3 >/dev/null 2>&1; then apt_install python3 python3-venv; fi
if command -v python3 >/dev/null 2>&1; then
  if ! "$VENV/bin/python" -c "import akamai.edgegrid, requests, sys; from importlib.metadata import version; sys.exit(version('edgegrid-python') != '$EDGEGRID_PYTHON_VERSION')" 2>/dev/null; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" || { rm -rf "$VENV"; apt_install python3-venv; python3 -m venv "$VENV"; }
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "edgegrid-python==$EDGEGRID_PYTHON_VERSION" requests
  fi
  echo "interop peers: edgegrid-python $EDGEGRID_PYTHON_VERSION in $VENV"
else
  echo "interop peers: python3 not found; the edgegrid-python test needs it"
fi

if command -v go >/dev/null 2>&1; then
  # its own unit tests first: they show the response comparison (check.go) does catch dropped members
  (cd test/interop/go-cps && nice -n 10 go vet . && nice -n 10 go test . && nice -n 10 go build -o "$CACHE/go-cps" .)
  echo "interop peers: $(cd test/interop/go-cps && go list -m -f '{{.Path}} {{.Version}}' github.com/akamai/AkamaiOPEN-edgegrid-golang/v13) built into $CACHE/go-cps"
else
  echo "interop peers: go not found; the Go client test will be skipped"
fi
