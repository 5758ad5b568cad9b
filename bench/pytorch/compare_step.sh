#!/usr/bin/env bash
# The engine against PyTorch eager on the same work, in one run, rounds alternating (engine,
# then PyTorch, then engine...), each round its own process with the same thread count:
# a full training step (fine-tune objective, backward, clipping, AdamW) of tiny and small at
# 16 x 4, and the gallery forward (image encoder + projection, eval) of tiny and small. A case
# PRESET:train:MODE recomputes activations in backward on both sides (MODE none, fusion or all:
# the engine's `recompute`, torch.utils.checkpoint on the same sub-layers in PyTorch).
# Each process prints its median after warm-up and its peak RSS (VmHWM); this script prints
# per case the median of the rounds' medians, engine / PyTorch speed ratio and peak memory.
#   bench/pytorch/compare_step.sh [ROUNDS=3] [STEPS=5] [CASES="tiny:train small:train tiny:forward small:forward"]
# Environment: THREADS (2), MVN_FLAGS (e.g. -Dcuda.enable=EMULATE), NO_BUILD=1 (use target/ as built), PYTHON.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds=${1:-3}; steps=${2:-5}; cases=${3:-"tiny:train small:train tiny:forward small:forward"}
threads=${THREADS:-2}; py=${PYTHON:-/usr/bin/python3}
[[ -n "${NO_BUILD:-}" ]] || mvn -q -o ${MVN_FLAGS:-} -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)," \
     "commit $(git rev-parse --short HEAD), $threads threads, $rounds rounds x $steps steps"
log=$(mktemp); trap 'rm -f "$log"' EXIT
for c in $cases; do
  IFS=: read -r preset what recompute <<< "$c"; recompute=${recompute:-none}
  for ((r = 0; r < rounds; r++)); do
    WEAKPAIR_THREADS=$threads OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} java -Xmx8g -cp "$cp" io.weakpair.bench.ModelStepMain "$preset" 16 4 "$steps" "$what" "$recompute" \
      | sed "s/^/engine $c /" | tee -a "$log"
    OMP_NUM_THREADS=$threads "$py" bench/pytorch/step_timing.py "$preset" 16 4 "$steps" "$what" --threads "$threads" --recompute "$recompute" \
      | sed "s/^/torch $c /" | tee -a "$log"
  done
done
"$py" - "$log" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(engine|torch) (\S+) .*median ([\d.]+) ms/step.*peak RSS (\d+) MiB", line)
    if m:
        side, case, ms, rss = m.group(1), m.group(2), float(m.group(3)), int(m.group(4))
        rows.setdefault(case, {}).setdefault(side, []).append((ms, rss))
print(f"\n{'case':18s} {'engine ms':>10s} {'torch ms':>10s} {'speed-up':>9s} {'engine MiB':>11s} {'torch MiB':>10s} {'memory':>7s}")
for case, sides in rows.items():
    if "engine" not in sides or "torch" not in sides:
        continue
    e = statistics.median(ms for ms, _ in sides["engine"]); t = statistics.median(ms for ms, _ in sides["torch"])
    em = max(r for _, r in sides["engine"]); tm = max(r for _, r in sides["torch"])
    print(f"{case:18s} {e:10.1f} {t:10.1f} {t / e:8.2f}x {em:11d} {tm:10d} {em / tm:6.2f}x")
PY
