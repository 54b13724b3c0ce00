#!/usr/bin/env bash
# The project's test command: installs what the tests need when it is missing
# (the pinned Prism for the contract test, Debian's redis-server for the
# shared limiter's tests), then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x tools/prism/node_modules/.bin/prism ]; then
  npm ci --prefix tools/prism --no-audit --no-fund --loglevel=error
fi
if ! command -v redis-server >/dev/null; then
  echo "== installing redis-server (Debian package) for the shared limiter's tests"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq redis-server >/dev/null
fi
cargo test --workspace --all-features
