#!/usr/bin/env bash
# Schemathesis (pinned, from PyPI, in a venv this script makes) against the
# mock for the vendored spec (`kombo mock`) and for Kombo's 16-endpoint subset
# (`fixtures/examples/mock_server.rs`, the same mock serving the fixture
# client's spec): positive requests for every operation, checked for server
# errors and for conformance of status codes, content types and response
# bodies to the spec. Any failure fails the script.
#   bash scripts/schemathesis.sh            # CI (.ci/run)
#   ST_EXAMPLES=200 ST_SEED=7 bash scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.32.5
venv=${ST_VENV:-target/schemathesis-venv}
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$version"
fi
cargo build -q -p kombo-cli
cargo build -q -p kombo-fixtures --features mock --example mock_server
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
# `serve` runs in a command substitution (a subshell): the mocks' pids go
# through a file, or the cleanup would see none and leave them running.
cleanup() {
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$work/pids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a mock (its command in "$@"), waits for the URL it prints first.
serve() {
  local out="$work/$1"; shift
  "$@" > "$out" 2>&1 &
  echo $! >> "$work/pids"
  for _ in $(seq 100); do
    if head -1 "$out" | grep -q '^http://'; then head -1 "$out"; return; fi
    sleep 0.1
  done
  echo "the mock did not start: $*" >&2; cat "$out" >&2; exit 1
}

run() {
  local spec=$1 url=$2
  echo "== schemathesis: $spec against $url"
  PYTHONPATH=scripts SCHEMATHESIS_HOOKS=schemathesis_hooks "$venv/bin/st" --no-color run "$spec" \
    --url "$url" \
    -H "Authorization: Bearer mock-api-key" \
    -H "X-Integration-Id: personio:schemathesis" \
    --mode positive \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${ST_EXAMPLES:-50}" \
    --seed "${ST_SEED:-1}" \
    --warnings off
}

run openapi/kombo.yaml "$(serve kombo "$target/debug/kombo" mock --port 0)"
run fixtures/kombo-fixture.yaml "$(serve fixture "$target/debug/examples/mock_server")"
