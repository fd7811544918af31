#!/usr/bin/env bash
# Runs every benchmark (or those matching the given regular expressions) in quick mode and prints
# a table with each result, its target and its baseline ratio. See README.md.
#
#   benchmarks/run.sh                       # everything, quick mode (under 10 minutes)
#   benchmarks/run.sh --full                # JMH's defaults from the annotations (much longer)
#   benchmarks/run.sh PipelineLoad Fanout   # only the benchmarks whose names match
#   BENCH_SKIP_BUILD=1 benchmarks/run.sh    # reuse the jar built before
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${JAVA_HOME:-}" ]] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*21*; do
    if [[ -x "$candidate/bin/java" ]]; then JAVA_HOME="$candidate"; break; fi
  done
fi
export JAVA_HOME
build_dir="${BENCH_BUILD_DIR:-target}"
jar="benchmarks/$build_dir/benchmarks.jar"

if [[ -z "${BENCH_SKIP_BUILD:-}" || ! -f "$jar" ]]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests -DbuildDirName="$build_dir"
fi

exec "$JAVA_HOME/bin/java" -Dbench.results="benchmarks/$build_dir/results.json" -cp "$jar" dev.concourse.benchmarks.RunAll "$@"
