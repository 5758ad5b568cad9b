#!/usr/bin/env bash
# Runs the JMH microbenchmarks in bench/java.
#   bench/jmh.sh                          # every benchmark, default settings
#   bench/jmh.sh Gemm -f 1 -wi 3 -i 5     # a regex and any JMH options
#   bench/jmh.sh -l                       # list benchmarks
# Results: pass "-rf json -rff bench/out/x.json" to keep them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
mkdir -p bench/out
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"   # as ./weakpair runs the engine
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "$@"
