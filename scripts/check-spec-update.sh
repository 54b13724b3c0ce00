#!/usr/bin/env bash
# A spec update reaches users with no hand edit: in a copy of the repository
# whose openapi/kombo.yaml gains a server ("Kombo CA API") and a request
# enum value (language "nl"), the CLI offers `--region ca` and `--language nl`
# and sends "nl" (to the embedded mock, which validates bodies with the
# regenerated types); and the change report calls the update minor.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files -z | (cd "$repo" && xargs -0 tar cf - --) | (cd "$work" && tar xf -)
python3 - "$work/openapi/kombo.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
server = "    description: Kombo US API\n"
assert server in text, "the US server entry moved"
text = text.replace(server, server + "  - url: https://api.ca.kombo.dev/v1\n    description: Kombo CA API\n", 1)
languages = "            - es\n"
assert languages in text, "the language enum moved"
text = text.replace(languages, languages + "            - nl\n", 1)
open(path, "w").write(text)
PY
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}/spec-update"
cd "$work"
help=$(cargo run -q -p kombo-cli -- relink --help)
grep -q "possible values: eu, us, ca" <<<"$help" || { echo "--region does not offer ca:"; echo "$help"; exit 1; }
grep -q "possible values: en, de, fr, it, es, nl" <<<"$help" || { echo "--language does not offer nl:"; echo "$help"; exit 1; }
out=$(cargo run -q -p kombo-cli -- relink personio:93fCvorjZ2jas7ZekX1V1n5d --mock --language nl --json)
grep -q '"link"' <<<"$out" || { echo "no link: $out"; exit 1; }
report=$(cargo run -q -p kombo-codegen --features cli -- diff "$repo/openapi/kombo.yaml" openapi/kombo.yaml)
grep -q "^## Kombo spec update: minor" <<<"$report" || { echo "$report"; exit 1; }
grep -q '`Region` `ca`: region added' <<<"$report" || { echo "$report"; exit 1; }
echo "ok: the updated spec gives --region ca and --language nl, the mock accepts \"nl\", the report says minor"
