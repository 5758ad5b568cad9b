#!/usr/bin/env bash
# Person search at scale: index N synthetic unit vectors of width D (the tiny model's 128 or the
# small model's 256) with `weakpair index --features`, then measure the search part (HNSW
# latency p50/p95 and recall@10 against the exact scan, for several candidate counts).
# MODE: clustered (identities of a few images, like a trained gallery) or gaussian (uniform
# directions, the worst case); see bench/search/make_features.py. Results go to
# bench/RESULTS.md by hand. Extra `weakpair index` flags can be given in INDEX_FLAGS.
#   bench/search/scale.sh [N=100000] [D=128] [CANDIDATES="100 200 400 800"] [MAX_CONN=16] [BEAM=100] [MODE=clustered]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}; d=${2:-128}; cands=${3:-"100 200 400 800"}; m=${4:-16}; beam=${5:-100}; mode=${6:-clustered}
case $mode in clustered|gaussian) ;; *) echo "MODE must be clustered or gaussian, got '$mode'" >&2; exit 2 ;; esac
case $d in 128) preset=tiny ;; 256) preset=small ;; *) echo "D must be 128 (tiny) or 256 (small), got '$d'" >&2; exit 2 ;; esac
data=${WEAKPAIR_BENCH_DIR:-target/bench-search}/$mode-n$n-d$d
work=$data/m$m-b$beam${INDEX_FLAGS:+-$(echo "$INDEX_FLAGS" | tr -c 'a-z0-9\n' '_')}
mkdir -p "$work"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); N=$n D=$d M=$m beam=$beam mode=$mode ${INDEX_FLAGS:-}"
# The built classes directly (run `mvn -B test-compile` first): the launcher would rebuild the jar.
cp_file=target/classpath.txt
# (Regenerated when pom.xml changed: a stale list misses newer dependencies.)
[ -f $cp_file ] && [ $cp_file -nt pom.xml ] || mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=$cp_file -Dmdep.includeScope=runtime
cp="target/test-classes:target/classes:$(cat $cp_file)"
# 1M x 256 floats are 1 GiB on the heap while the graph is built; 8 GiB leaves room on a 24 GiB machine.
xmx=${WEAKPAIR_BENCH_XMX:-8g}
[ -f "$data/ck.safetensors" ] || java -cp "$cp" io.weakpair.cli.Main init --preset $preset --out "$data/ck.safetensors" >/dev/null
[ -f "$data/feats.safetensors" ] || /usr/bin/python3 bench/search/make_features.py --mode "$mode" --n "$n" --dim "$d" --describe \
  --out "$data/feats.safetensors"
rm -rf "$work/index"
# A RAM buffer near Lucene's per-thread limit (1945 MB) keeps a million vectors in one segment,
# so the graph is built once while adding instead of again by the merge.
/usr/bin/time -f "== index build: %e s wall, %M KiB peak RSS" java -Xmx$xmx -cp "$cp" io.weakpair.cli.Main index \
  --checkpoint "$data/ck.safetensors" --features "$data/feats.safetensors" --out "$work/index" --max-conn "$m" --beam-width "$beam" \
  --ram-buffer-mb 1900 --force-merge ${INDEX_FLAGS:-}
echo "== index size: $(du -sh "$work/index" | cut -f1) on disk; load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx$xmx -cp "$cp" io.weakpair.bench.SearchScale "$work/index" "$data/feats.queries.safetensors" 10 $cands
echo "== done; load $(cut -d' ' -f1-3 /proc/loadavg)"
