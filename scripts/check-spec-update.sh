#!/usr/bin/env bash
# A spec update reaches users with no hand edit. In a copy of the repository
# whose openapi/kombo.yaml gains a server ("Kombo CA API"), a request enum
# value (language "nl"), an operation of a tag the crate has no feature for
# (GET /hris/groups, "Unified HRIS API"), an error code
# (PLATFORM.SOMETHING_NEW) and Kombo's webhooks (../shared/specs/kombo-webhooks.yaml):
# - the CLI offers `--region ca` and `--language nl` and sends "nl" (to the
#   embedded mock, which validates bodies with the regenerated types);
# - the build warns, naming the one edit (`hris = []` in [features]), and
#   tests/spec_update/grown.rs passes there: the new tag's operation decodes,
#   `ErrorCode::PlatformSomethingNew` exists, `kombo::webhooks::Event`
#   decodes a typed event with a field the spec does not list;
# - `refresh --check` names the missing feature, and the change report calls
#   the update minor and lists the new operation and code.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
hooks="$repo/../shared/specs/kombo-webhooks.yaml"
[ -f "$hooks" ] || { echo "needs $hooks beside the repository" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files -z | (cd "$repo" && xargs -0 tar cf - --) | (cd "$work" && tar xf -)
python3 - "$work/openapi/kombo.yaml" "$hooks" "$repo/scripts/spec-update/groups.yaml" <<'PY'
import sys
path, hooks_path, groups_path = sys.argv[1:4]
text = open(path).read()

def insert_after(text, anchor, addition, what):
    assert text.count(anchor) >= 1, what + " moved"
    return text.replace(anchor, anchor + addition, 1)

text = insert_after(text, "    description: Kombo US API\n",
    "  - url: https://api.ca.kombo.dev/v1\n    description: Kombo CA API\n", "the US server entry")
text = insert_after(text, "            - es\n", "            - nl\n", "the language enum")
text = insert_after(text, "                      - PLATFORM.TASK_TIMED_OUT\n",
    "                      - PLATFORM.SOMETHING_NEW\n", "the error code enum")
# A new tag's operation, as Kombo writes one (3.1, the shared error response).
text = insert_after(text, "\npaths:\n", open(groups_path).read(), "paths")
# Kombo's webhooks and their payload schemas, spliced in as text: the
# sections sit at the same indentation in both documents.
hooks = open(hooks_path).read()
webhooks = hooks[hooks.index("\nwebhooks:\n") + 1 : hooks.index("\ncomponents:\n") + 1]
schemas_at = hooks.index("\n  schemas:\n") + len("\n  schemas:\n")
schemas = hooks[schemas_at : hooks.index("\n  securitySchemes:\n") + 1]
components = "\ncomponents:\n  schemas:\n"
assert text.count(components) == 1, "components moved"
text = text.replace(components, "\n" + webhooks + "components:\n  schemas:\n" + schemas, 1)
open(path, "w").write(text)
PY
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}/spec-update"
cd "$work"
fail() { echo "$1"; echo "$2"; exit 1; }

help=$(cargo run -q -p kombo-cli -- relink --help)
grep -q "possible values: eu, us, ca" <<<"$help" || fail "--region does not offer ca:" "$help"
grep -q "possible values: en, de, fr, it, es, nl" <<<"$help" || fail "--language does not offer nl:" "$help"
out=$(cargo run -q -p kombo-cli -- relink personio:93fCvorjZ2jas7ZekX1V1n5d --mock --language nl --json)
grep -q '"link"' <<<"$out" || fail "no link:" "$out"

build=$(cargo build -p kombo 2>&1) || fail "the grown spec does not build:" "$build"
grep -q 'add `hris = \[\]` to \[features\]' <<<"$build" || fail "the build does not name the feature to add:" "$build"
cp "$repo/tests/spec_update/grown.rs" tests/grown.rs
cargo test -q -p kombo --test grown

if check=$(cargo run -q -p kombo-codegen --features cli -- refresh --check 2>&1); then
  fail "refresh --check passed with a tag that has no feature:" "$check"
fi
grep -q 'tag module `hris` has no feature' <<<"$check" || fail "refresh --check does not name the feature:" "$check"

report=$(cargo run -q -p kombo-codegen --features cli -- diff "$repo/openapi/kombo.yaml" openapi/kombo.yaml)
grep -q "^## Kombo spec update: minor" <<<"$report" || fail "not minor:" "$report"
grep -q '`Region` `ca`: region added' <<<"$report" || fail "no region:" "$report"
grep -q 'PLATFORM.SOMETHING_NEW' <<<"$report" || fail "the report misses the new code:" "$report"
grep -q 'hris.get_groups' <<<"$report" || fail "the report misses the new operation:" "$report"
echo "ok: --region ca, --language nl, the new tag's operation (its feature named by the build), ErrorCode::PlatformSomethingNew and webhooks::Event arrive; the report says minor"
