#!/usr/bin/env bash
# Side by side: the fused uITC kernel and the same loss composed from the engine's generic ops
# (JMH, bench/java/io/weakpair/bench/ContrastiveLossBenchmark.java) against PyTorch composed
# ops (bench/torch_contrastive.py): F32, D = 256, forward + backward, 2 threads on both sides.
#
#   bench/compare_contrastive.sh [sizes=256,1024,4096,16384] [rounds=1] [composed_max=4096]
#
# The composed forms (engine and PyTorch) hold several N x N tensors; they run only for
# N <= composed_max (N = 16384 needs about 16 GiB each). Each round runs JMH and then PyTorch;
# with several rounds the table shows the median of each column and of each ratio, so a
# noisy shared machine disturbs both sides alike. Raw results: bench/out/contrastive-*.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sizes=${1:-256,1024,4096,16384}
rounds=${2:-1}
composed_max=${3:-4096}
py=${PYTHON:-/usr/bin/python3}
threads=${WEAKPAIR_THREADS:-2}
mkdir -p bench/out
small=$("$py" -c "print(','.join(s for s in '$sizes'.split(',') if int(s) <= $composed_max))")
jmh_opts=(-f 1 -wi 2 -i 5 -w 2 -r 2 -jvmArgsAppend "-Dweakpair.threads=$threads")
for r in $(seq 1 "$rounds"); do
  echo "== round $r of $rounds: JMH fused ($sizes), composed (${small:-none}); PyTorch (${small:-none})" >&2
  WEAKPAIR_THREADS=$threads bench/jmh.sh 'ContrastiveLossBenchmark.fused' -p n="$sizes" "${jmh_opts[@]}" \
    -rf json -rff "bench/out/contrastive-fused-$r.json" > "bench/out/contrastive-fused-$r.log"
  if [[ -n "$small" ]]; then
    WEAKPAIR_THREADS=$threads bench/jmh.sh 'ContrastiveLossBenchmark.composed' -p n="$small" "${jmh_opts[@]}" \
      -rf json -rff "bench/out/contrastive-composed-$r.json" > "bench/out/contrastive-composed-$r.log"
    "$py" bench/torch_contrastive.py --threads "$threads" --sizes "$small" > "bench/out/contrastive-torch-$r.csv"
  fi
done
"$py" - "$rounds" "$sizes" <<'PY'
import csv, json, os, statistics, sys
rounds, sizes = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")]
def jmh(path):
    if not os.path.exists(path):
        return {}
    return {int(r["params"]["n"]): r["primaryMetric"]["score"] for r in json.load(open(path))}
def torch(path):
    if not os.path.exists(path):
        return {}
    return {int(row["n"]): float(row["median_ms"]) for row in csv.DictReader(open(path))}
runs = [(jmh(f"bench/out/contrastive-fused-{r}.json"), jmh(f"bench/out/contrastive-composed-{r}.json"),
         torch(f"bench/out/contrastive-torch-{r}.csv")) for r in range(1, rounds + 1)]
def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
fmt = lambda v, spec: format(v, spec) if v is not None else "-"
print(f"{'N':>6} {'fused ms':>10} {'composed ms':>12} {'PyTorch ms':>11} {'PyTorch/fused':>14} {'composed/fused':>15}")
for n in sizes:
    fused = med([f.get(n) for f, c, t in runs])
    comp = med([c.get(n) for f, c, t in runs])
    tor = med([t.get(n) for f, c, t in runs])
    r_t = med([t[n] / f[n] if n in t and n in f else None for f, c, t in runs])
    r_c = med([c[n] / f[n] if n in c and n in f else None for f, c, t in runs])
    print(f"{n:>6} {fmt(fused, '10.2f')} {fmt(comp, '12.2f')} {fmt(tor, '11.2f')} {fmt(r_t, '14.2f')} {fmt(r_c, '15.2f')}")
PY
