#!/usr/bin/env bash
# Person search at scale: index N random unit vectors of width D (the tiny model's 128 or the
# small model's 256) with `weakpair index --features`, then measure the search part (HNSW
# latency p50/p95 and recall@10 against the exact scan, for several candidate counts) and the
# text part (encoding one caption with the checkpoint). Results go to bench/RESULTS.md by hand.
#   bench/search/scale.sh [N=100000] [D=128] [CANDIDATES="100 200 400 800"] [MAX_CONN=16] [BEAM=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}; d=${2:-128}; cands=${3:-"100 200 400 800"}; m=${4:-16}; beam=${5:-100}
work=${WEAKPAIR_BENCH_DIR:-target/bench-search}/n$n-d$d-m$m-b$beam
mkdir -p "$work"
case $d in 128) preset=tiny ;; 256) preset=small ;; *) echo "D must be 128 (tiny) or 256 (small)" >&2; exit 2 ;; esac
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); N=$n D=$d M=$m beam=$beam"
# The built classes directly (run `mvn -B test-compile` first): the launcher would rebuild the jar.
cp_file=target/classpath.txt
[ -f $cp_file ] || mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=$cp_file -Dmdep.includeScope=runtime
cp="target/test-classes:target/classes:$(cat $cp_file)"
wp() { java -Xmx12g -cp "$cp" io.weakpair.cli.Main "$@"; }
[ -f "$work/ck.safetensors" ] || wp init --preset $preset --out "$work/ck.safetensors" >/dev/null
[ -f "$work/feats.safetensors" ] || /usr/bin/python3 bench/search/make_features.py --n "$n" --dim "$d" --out "$work/feats.safetensors"
rm -rf "$work/index"
/usr/bin/time -f "== index build: %e s wall, %M KiB peak RSS" java -Xmx12g -cp "$cp" io.weakpair.cli.Main index --checkpoint "$work/ck.safetensors" \
  --features "$work/feats.safetensors" --out "$work/index" --max-conn "$m" --beam-width "$beam" --force-merge
echo "== index size: $(du -sh "$work/index" | cut -f1) on disk"
java -Xmx8g -cp "$cp" io.weakpair.bench.SearchScale \
  "$work/index" "$work/feats.queries.safetensors" 10 $cands
