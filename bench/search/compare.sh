#!/usr/bin/env bash
# The engine beside FAISS and hnswlib, in one run on the same vectors (issue 23): for each
# system and build-thread count, build time, peak RSS of the building process, index size on
# disk, and recall@10 against the exact top 10 with p50/p95 query latency (one query at a time,
# one thread) over a sweep of search beams; then the table at equal recall (0.98, 0.99): the
# smallest beam of each system that reaches it. The engine runs as float32 and int8
# (--quantize), FAISS as IndexHNSWFlat, hnswlib as is, all with M=MAX_CONN and construction
# beam BEAM. Needs `mvn -B test-compile`, and Debian's python3-faiss and python3-hnswlib for
# /usr/bin/python3 (anchors only, never dependencies).
# ANCHOR_THREADS (default 1) sets the anchors' build threads.
#   bench/search/compare.sh [N=100000] [D=128] [THREADS="1 2"] [MAX_CONN=16] [BEAM=100] [MODE=clustered]
# WEAKPAIR_BENCH_CLASSES: the class folders to run (a copy, so that rebuilding during a long run changes nothing).
# Output: $WEAKPAIR_BENCH_DIR (default target/bench-search)/compare-MODE-nN-dD/, the table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}; d=${2:-128}; threads=${3:-"1 2"}; m=${4:-16}; beam=${5:-100}; mode=${6:-clustered}
anchor_threads=${ANCHOR_THREADS:-1}  # FAISS and hnswlib build threads (the issue's reference numbers are with one)
case $mode in clustered|gaussian) ;; *) echo "MODE must be clustered or gaussian, got '$mode'" >&2; exit 2 ;; esac
case $d in 128) preset=tiny ;; 256) preset=small ;; *) echo "D must be 128 (tiny) or 256 (small), got '$d'" >&2; exit 2 ;; esac
/usr/bin/python3 -c "import faiss, hnswlib" 2>/dev/null || { echo "needs python3-faiss and python3-hnswlib (apt-get install -y python3-faiss python3-hnswlib)" >&2; exit 1; }
data=${WEAKPAIR_BENCH_DIR:-target/bench-search}/$mode-n$n-d$d
work=${WEAKPAIR_BENCH_DIR:-target/bench-search}/compare-$mode-n$n-d$d-m$m-b$beam
mkdir -p "$data" "$work"
results=$work/results.jsonl
: > "$results"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(load); nice $(nice); N=$n D=$d M=$m beam=$beam mode=$mode threads=$threads"
cp_file=target/classpath.txt
[ -f $cp_file ] && [ $cp_file -nt pom.xml ] || mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=$cp_file -Dmdep.includeScope=runtime
cp="${WEAKPAIR_BENCH_CLASSES:-target/test-classes:target/classes}:$(cat $cp_file)"
# The heap the engine may grow to; its peak RSS follows what the JVM chose to use, so it is capped near need.
xmx=${WEAKPAIR_BENCH_XMX:-$([ "$n" -le 200000 ] && echo 2g || echo 8g)}
[ -f "$data/ck.safetensors" ] || java -cp "$cp" io.weakpair.cli.Main init --preset $preset --out "$data/ck.safetensors" >/dev/null
[ -f "$data/feats.safetensors" ] || /usr/bin/python3 bench/search/make_features.py --mode "$mode" --n "$n" --dim "$d" --describe \
  --out "$data/feats.safetensors"
queries=$data/feats.queries.safetensors
cands="10 20 30 40 50 60 80 100 150 200"

# The anchors first: they are quick, so a run cut short still has them and the engine rows done so far.
for sys in hnswlib faiss; do
  for t in $anchor_threads; do
    name=$sys-t$t
    echo "== $name: load $(load)"
    /usr/bin/time -o "$work/$name.time" -f "%e %M %U %S" /usr/bin/python3 bench/search/anchors.py --system $sys --threads $t \
      --features "$data/feats.safetensors" --queries "$queries" --m "$m" --beam "$beam" --efs "$cands" --out "$work/$name.index" \
      > "$work/$name.json"
    /usr/bin/python3 bench/search/compare_table.py anchor-row --name "$name" --json "$work/$name.json" --time "$work/$name.time" >> "$results"
  done
done
for q in none int8; do
  for t in $threads; do
    name=engine-$([ $q = none ] && echo float32 || echo int8)-t$t
    echo "== $name: load $(load)"
    rm -rf "$work/$name"
    # One segment per build thread (the RAM buffer holds a thread's share), merged into one graph by t workers.
    /usr/bin/time -o "$work/$name.time" -f "%e %M %U %S" java -Xmx$xmx -cp "$cp" io.weakpair.cli.Main index \
      --checkpoint "$data/ck.safetensors" --features "$data/feats.safetensors" --out "$work/$name" --max-conn "$m" --beam-width "$beam" \
      --ram-buffer-mb 1900 --force-merge --quantize $q --build-threads $t | tee "$work/$name.log" | grep -v '^indexing features'
    java -Xmx$xmx -cp "$cp" io.weakpair.bench.SearchScale "$work/$name" "$queries" 10 $cands | tee "$work/$name.search"
    /usr/bin/python3 bench/search/compare_table.py engine-row --name "$name" --threads $t --log "$work/$name.log" \
      --time "$work/$name.time" --search "$work/$name.search" --index "$work/$name" >> "$results"
  done
done
echo "== done; load $(load)"
/usr/bin/python3 bench/search/compare_table.py table --results "$results" | tee "$work/table.md"
