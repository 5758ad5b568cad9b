#!/usr/bin/env bash
# The fused contrastive loss at N = 32768, D = 256 (S would be 4 GiB): wall time and peak
# resident memory of the whole process. Usage: bench/contrastive_scale.sh [N] [D] [tiled|auto]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.weakpair.bench.ContrastiveScaleMain "${1:-32768}" "${2:-256}" "${3:-tiled}"
