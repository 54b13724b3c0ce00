#!/usr/bin/env bash
# Builds the test-only fixture crate (fixtures/) with each given spec (default:
# Kombo's 16 endpoint documents beside the repository) as its client, and fails on any error or
# warning outside the generated module.
set -euo pipefail
cd "$(dirname "$0")/.."
specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then specs=(../shared/specs/kombo/*.yaml); fi
failed=0
for spec in "${specs[@]}"; do
  spec=$(realpath "$spec")
  if out=$(KOMBO_FIXTURE_SPEC="$spec" cargo build -p kombo-fixtures --message-format short 2>&1) \
     && ! grep -q '^warning' <<<"$out"; then
    echo "ok      $(basename "$spec")"
  else
    echo "FAILED  $(basename "$spec")"; echo "$out" | grep -E '^(error|warning)' | head -20; failed=1
  fi
done
# Back to the committed fixture.
env -u KOMBO_FIXTURE_SPEC cargo build -q -p kombo-fixtures
exit $failed
