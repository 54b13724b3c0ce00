#!/usr/bin/env bash
# Benchmarks with their anchors, measured in the same run; writes BENCHMARKS.md.
#   bash scripts/bench.sh              # everything (long: clean builds)
#   BENCH_BUILD_RUNS=5 bash scripts/bench.sh
#   bash scripts/bench.sh --smoke      # CI: every bench runs once, nothing written
#   bash scripts/bench.sh --noop       # only the no-op builds, printed
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

if [ "${1:-}" = "--smoke" ]; then
  cargo bench -q --bench call -- --test
  cargo bench -q --bench throughput -- --test
  cargo bench -q --features redis --bench shared_limiter -- --test
  cargo bench -q -p kombo-codegen --features report --bench generate -- --test
  exit 0
fi

runs=${BENCH_BUILD_RUNS:-5}        # rebuilds and no-op builds
clean_runs=${BENCH_CLEAN_RUNS:-$runs}  # clean builds take minutes each
noop_runs=${BENCH_NOOP_RUNS:-11}
work=$(mktemp -d /tmp/kombo-bench.XXXXXX)
out=BENCHMARKS.md.new
subset=../shared/specs/kombo-subset.yaml
[ -f "$subset" ] || { echo "needs $subset" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m}'; }
# criterion's median estimate in ns for group/name
crit() { python3 -c "import json,sys; print(json.load(open('target/criterion/$1/new/estimates.json'))['median']['point_estimate'])"; }
ratio() { python3 -c "print(f'{$1/$2:.3f}')"; }
# wall seconds and max RSS (KiB) of a command: "secs kib"
timed() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1; cat "$work/time"; }

# The anchor: a crate with kombo's [dependencies] and an empty lib.
bare="$work/bare"; mkdir -p "$bare/src"; : > "$bare/src/lib.rs"
python3 - "$bare/Cargo.toml" <<'PY'
import json, sys, tomllib
deps = tomllib.load(open("Cargo.toml", "rb"))["dependencies"]
def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
body = "".join(f"{name} = {value(spec)}\n" for name, spec in deps.items())
open(sys.argv[1], "w").write('[package]\nname = "bare"\nversion = "0.0.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\n' + body)
PY
cp Cargo.lock "$bare/"
# A crate that depends on kombo (by path) and nothing else: kombo as users build it.
app="$work/app"; mkdir -p "$app/src"; : > "$app/src/lib.rs"
printf '[package]\nname = "app"\nversion = "0.0.0"\nedition = "2024"\n\n[workspace]\n\n[dependencies]\nkombo = { path = "%s" }\n' "$PWD" > "$app/Cargo.toml"
cp Cargo.lock "$app/"

# No-op builds take ~0.1 s, below /usr/bin/time's 10 ms steps and within the
# noise of process start-up: timed to the millisecond, BENCH_NOOP_RUNS runs each.
noop() {
  (cd "$1" && CARGO_TARGET_DIR="$work/target-clean" cargo build -q --lib "${@:2}")  # settle
  for _ in $(seq "$noop_runs"); do
    (cd "$1" && CARGO_TARGET_DIR="$work/target-clean" python3 -c '
import subprocess, sys, time
t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True); print(f"{time.perf_counter() - t:.3f}")
' cargo build -q --lib "${@:2}")
  done | median
}

if [ "${1:-}" = "--noop" ]; then  # only the no-op builds (seconds, not minutes)
  n_bare=$(noop "$bare"); n_app=$(noop "$app"); n_kombo=$(noop . -p kombo)
  echo "no-op: bare $n_bare s, dependent $n_app s ($(ratio $n_app $n_bare)×), workspace -p kombo $n_kombo s ($(ratio $n_kombo $n_bare)×)"
  exit 0
fi

call_runs=${BENCH_CALL_RUNS:-5}
echo "== call benchmarks: $call_runs runs of criterion (100 samples each); the ratio of each run, then their median"
for i in $(seq "$call_runs"); do
  cargo bench -q --bench call -- --noplot >/dev/null 2>&1
  echo "$(crit sequential/reqwest_by_hand) $(crit sequential/kombo) $(crit in_flight_32/reqwest_by_hand) $(crit in_flight_32/kombo)" >> "$work/calls"
done
cat "$work/calls"
seq_anchor=$(awk '{print $1}' "$work/calls" | median); seq_kombo=$(awk '{print $2}' "$work/calls" | median)
par_anchor=$(awk '{print $3}' "$work/calls" | median); par_kombo=$(awk '{print $4}' "$work/calls" | median)
seq_ratio=$(awk '{printf "%.3f\n", $2/$1}' "$work/calls" | median)
par_ratio=$(awk '{printf "%.3f\n", $3/$4}' "$work/calls" | median)
seq_range=$(awk '{printf "%.3f\n", $2/$1}' "$work/calls" | sort -n | sed -n '1p;$p' | paste -sd-)
par_range=$(awk '{printf "%.3f\n", $3/$4}' "$work/calls" | sort -n | sed -n '1p;$p' | paste -sd-)

echo "== throughput (benches/throughput.rs: for_each_concurrent, 32 in flight; median of its runs)"
throughput=$(BENCH_THROUGHPUT_RUNS=${BENCH_THROUGHPUT_RUNS:-5} cargo bench -q --bench throughput 2>/dev/null)
echo "$throughput"
tp_line=$(echo "$throughput" | grep '^throughput,' || echo "throughput: not measured")
tp_cpu=$(echo "$throughput" | grep '^CPU per call,' || echo "CPU per call: not measured")
tp_alloc=$(echo "$throughput" | grep '^allocations per call' || echo "allocations: not measured")
# Instructions per call, each side alone in its process (callgrind counts
# instructions, not time: the same figure on a busy or an idle machine): the
# difference between 3,300 and 300 calls, so start-up does not count.
instr() { # side calls → instructions of the whole process
  local bin
  bin=$(ls -t target/release/deps/throughput-* | grep -v '\.d$' | head -1)
  BENCH_THROUGHPUT_ONLY=$1 BENCH_THROUGHPUT_CALLS=$2 valgrind --tool=callgrind \
    --callgrind-out-file="$work/cg.$1.$2" "$bin" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_call() { echo $(( ($(instr "$1" 3300) - $(instr "$1" 300)) / 3000 )); }
if command -v valgrind >/dev/null; then
  i_anchor=$(per_call reqwest); i_kombo=$(per_call kombo)
  instructions="instructions per call (callgrind, server included): reqwest $i_anchor, kombo $i_kombo, reqwest / kombo = $(ratio $i_anchor $i_kombo)"
else
  instructions="instructions per call: not measured (no valgrind)"
fi
echo "$instructions"

echo "== generator benchmarks"
cargo bench -q -p kombo-codegen --features report --bench generate -- --noplot 2>/dev/null | grep -E "^generate|time:" || true
gen16=$(crit generate/subset_16_ops); gen128=$(crit generate/synthetic_128_ops)

echo "== generated lines"
cargo build -q -p kombo-codegen --features cli
codegen=target/debug/kombo-codegen
$codegen synthesize "$subset" --copies 8 --out "$work/synthetic128.json"
$codegen generate "$subset" --out "$work/g16" --standalone 2>/dev/null
$codegen generate "$work/synthetic128.json" --out "$work/g128" --standalone 2>/dev/null
lines16=$(wc -l < "$work/g16/kombo_client.rs"); lines128=$(wc -l < "$work/g128/kombo_client.rs")

echo "== spec-change rebuild of the fixture crate (build script + rustc), $runs runs"
rebuild() { # spec → "secs kib" per run, one per line
  KOMBO_FIXTURE_SPEC=$(realpath "$1") cargo build -q -p kombo-fixtures >/dev/null 2>&1
  for _ in $(seq "$runs"); do
    touch "$1"
    KOMBO_FIXTURE_SPEC=$(realpath "$1") timed cargo build -q -p kombo-fixtures
    echo
  done
}
cp "$subset" "$work/subset16.yaml"
rebuild "$work/subset16.yaml" > "$work/r16"
rebuild "$work/synthetic128.json" > "$work/r128"
r16=$(awk 'NF{print $1}' "$work/r16" | median); r128=$(awk 'NF{print $1}' "$work/r128" | median)
m128=$(awk 'NF{print $2}' "$work/r128" | sort -n | tail -1)
gen128_debug=$( { for _ in $(seq "$runs"); do /usr/bin/time -f "%e" $codegen generate "$work/synthetic128.json" --out "$work/g128d" --standalone 2>&1 >/dev/null | tail -1; done; } | median)
cargo build -q -p kombo-fixtures >/dev/null 2>&1  # back to the committed fixture

echo "== the fixture crate by tag features (issue 19), $runs runs each: clean build of the crate, cargo doc"
# "secs kib" of building only kombo-fixtures from scratch (its dependencies
# stay built), generated from spec $1 with tag features, cargo args after it.
crate_clean() {
  local spec=$1; shift
  cargo clean -q -p kombo-fixtures >/dev/null 2>&1
  KOMBO_FIXTURE_SPEC=$(realpath "$spec") KOMBO_FIXTURE_TAG_FEATURES=1 timed cargo build -q -p kombo-fixtures --lib "$@"
}
crate_doc() {
  KOMBO_FIXTURE_SPEC=$(realpath "$1") KOMBO_FIXTURE_TAG_FEATURES=1 cargo build -q -p kombo-fixtures --lib >/dev/null 2>&1
  rm -rf target/doc/kombo_fixtures
  touch "$1"
  KOMBO_FIXTURE_SPEC=$(realpath "$1") KOMBO_FIXTURE_TAG_FEATURES=1 timed cargo doc -q -p kombo-fixtures --no-deps
}
# One row per spec: all tags, the largest tag (general in both), none, doc.
for spec in subset16.yaml synthetic128.json; do
  for _ in $(seq "$runs"); do
    echo "$(crate_clean "$work/$spec") $(crate_clean "$work/$spec" --no-default-features --features general) $(crate_clean "$work/$spec" --no-default-features) $(crate_doc "$work/$spec")"
  done > "$work/tags_$spec"
done
# What the mock adds to a build of the crate: all tags, with the mock against
# with serialize-responses alone (which the mock turns on).
for spec in subset16.yaml synthetic128.json; do
  for _ in $(seq "$runs"); do
    echo "$(crate_clean "$work/$spec" --features mock) $(crate_clean "$work/$spec" --features serialize-responses)"
  done > "$work/mock_$spec"
done
cargo build -q -p kombo-fixtures >/dev/null 2>&1  # back to the committed fixture
mock_row() { # spec label → a markdown row
  local m_s m_m s_s s_m
  m_s=$(awk '{print $1}' "$work/mock_$1" | median); m_m=$(awk '{print $2}' "$work/mock_$1" | median)
  s_s=$(awk '{print $3}' "$work/mock_$1" | median); s_m=$(awk '{print $4}' "$work/mock_$1" | median)
  echo "| $2 | $s_s s, $((s_m / 1024)) MiB | $m_s s ($(ratio $m_s $s_s)×), $((m_m / 1024)) MiB ($(ratio $m_m $s_m)×) |"
}
# column k (1-based) of a tags file: median
col() { awk -v k="$2" '{print $k}' "$work/tags_$1" | median; }
tags_row() { # spec label ops → a markdown row
  local all_s all_m one_s one_m none_s none_m doc_s doc_m
  all_s=$(col "$1" 1); all_m=$(col "$1" 2); one_s=$(col "$1" 3); one_m=$(col "$1" 4)
  none_s=$(col "$1" 5); none_m=$(col "$1" 6); doc_s=$(col "$1" 7); doc_m=$(col "$1" 8)
  echo "| $2 | $all_s s, $((all_m / 1024)) MiB | $one_s s ($(ratio $one_s $all_s)×), $((one_m / 1024)) MiB ($(ratio $one_m $all_m)×) | $none_s s ($(ratio $none_s $all_s)×), $((none_m / 1024)) MiB | $doc_s s, $((doc_m / 1024)) MiB |"
}

echo "== clean ($clean_runs runs) and no-op ($noop_runs runs) builds against a bare crate with the same dependencies"
clean_once() { # dir, extra cargo args → seconds of a build from an empty target dir
  rm -rf "$work/target-clean"
  (cd "$1" && CARGO_TARGET_DIR="$work/target-clean" timed cargo build -q --lib "${@:2}" | cut -d' ' -f1)
}
# Interleaved, so drift on the machine hits all three alike.
for _ in $(seq "$clean_runs"); do
  clean_once "$bare" >> "$work/c_bare"
  clean_once . -p kombo >> "$work/c_kombo"
  clean_once . -p kombo --no-default-features >> "$work/c_nocodegen"
done
c_bare=$(median < "$work/c_bare"); c_kombo=$(median < "$work/c_kombo"); c_nocodegen=$(median < "$work/c_nocodegen")
n_bare=$(noop "$bare"); n_kombo=$(noop . -p kombo); n_app=$(noop "$app")

# The shared limiter (Redis) against the in-process one, same run.
shared=$(cargo bench -q --features redis --bench shared_limiter 2>/dev/null | grep '^shared limiter:' || echo "shared limiter: not measured")

cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | xargs)
cat > "$out" <<MD
# Benchmarks

Written by \`bash scripts/bench.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu),
$(free -g | awk '/Mem:/{print $2}') GiB, $(rustc --version). Every figure is a ratio against
an anchor measured in the same run; times are medians (criterion: 100 samples; rebuilds: $runs runs;
no-op builds: $noop_runs runs; clean builds: $clean_runs runs, interleaved).

| what | anchor | kombo | ratio | target |
|---|---|---|---|---|
| one relink call, sequential (latency) | hand-written reqwest: $(python3 -c "print(f'{$seq_anchor/1000:.1f}')") µs | $(python3 -c "print(f'{$seq_kombo/1000:.1f}')") µs | ${seq_ratio}× (runs: $seq_range) | ≤ 1.03× |
| 32 calls in flight, \`join_all\` (throughput = anchor time / kombo time) | $(python3 -c "print(f'{$par_anchor/1e6:.2f}')") ms | $(python3 -c "print(f'{$par_kombo/1e6:.2f}')") ms | ${par_ratio}× (runs: $par_range) | ≥ 0.97× |
| generated lines per operation, 16-op subset | — | $lines16 lines / 16 = $((lines16 / 16)) | — | ≤ 700 |
| generator time, 128-op synthetic vs 16-op (release) | $(python3 -c "print(f'{$gen16/1e6:.0f}')") ms | $(python3 -c "print(f'{$gen128/1e6:.0f}')") ms | $(ratio $gen128 $gen16)× | linear (8×) |
| spec-change rebuild, 128-op vs 16-op | $r16 s | $r128 s | $(ratio $r128 $r16)× | ≤ 8.5× |
| generator (debug, as a build script runs it) share of the 128-op rebuild | — | $gen128_debug s of $r128 s | $(ratio $gen128_debug $r128) | ≤ 0.10 |
| peak memory of the 128-op rebuild | — | $((m128 / 1024)) MiB | — | ≤ 1,536 MiB |
| clean build, default features | bare crate, same deps: $c_bare s | $c_kombo s | $(ratio $c_kombo $c_bare)× | ≤ 1.25× |
| clean build, \`--no-default-features\` (snapshot, no generator) | $c_bare s | $c_nocodegen s | $(ratio $c_nocodegen $c_bare)× | ≤ 1.05× |
| no-op build of a crate depending on kombo | $n_bare s | $n_app s | $(ratio $n_app $n_bare)× | ≤ 1.3× |
| no-op build of \`-p kombo\` in its workspace (4 members, their dev-dependencies) | $n_bare s | $n_kombo s | $(ratio $n_kombo $n_bare)× | — |

32 in flight through \`for_each_concurrent\` (\`benches/throughput.rs\`, 20,000 calls per run):
- $tp_line
- $tp_cpu
- $tp_alloc
- $instructions

The 128-op spec is the 16-op subset replicated 8 times with renamed paths and
schemas (\`kombo-codegen synthesize\`); it is generated by the run, not committed
($lines128 generated lines).

With the generator built optimized (\`[profile.dev.build-override] opt-level = 3\`,
README), its share of the 128-op rebuild is the release figure over the rebuild with
the debug generator's time replaced by it: $(python3 -c "r=$r128-$gen128_debug+$gen128/1e9; print(f'{$gen128/1e9:.2f} s of {r:.2f} s = {$gen128/1e9/r:.3f}')").

### The fixture crate by tag features

Building only the fixture crate (its dependencies built), generated with one
feature per tag (\`KOMBO_FIXTURE_TAG_FEATURES=1\`); the largest tag is \`general\`
(6 of 16 and 48 of 128 operations: 37.5 %). Medians of $runs runs; wall time and
peak memory of the largest process (rustc, or rustdoc for the doc column).

| spec | all tags (clean build of the crate) | \`general\` alone | \`--no-default-features\` | \`cargo doc\`, all tags |
|---|---|---|---|---|
$(tags_row subset16.yaml "16-op subset")
$(tags_row synthetic128.json "128-op synthetic")

### What the mock adds (feature \`mock\`)

Clean build of the fixture crate, all tags, with the mock's routes (\`--features mock\`)
against \`--features serialize-responses\` alone (which the mock turns on); medians of $runs runs:

| spec | anchor: \`serialize-responses\` | with the mock |
|---|---|---|
$(mock_row subset16.yaml "16-op subset")
$(mock_row synthetic128.json "128-op synthetic")

### The shared limiter (feature \`redis\`)

\`cargo bench --features redis --bench shared_limiter\` (relink calls, in-process
limiter vs shared through a loopback redis-server; medians of the runs):
$shared
MD
echo "wrote $out (merge the measured table into BENCHMARKS.md)"
