#!/usr/bin/env bash
# The project's test command: installs the pinned Prism (for the contract test)
# when it is missing, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x tools/prism/node_modules/.bin/prism ]; then
  npm ci --prefix tools/prism --no-audit --no-fund --loglevel=error
fi
cargo test --workspace --all-features
