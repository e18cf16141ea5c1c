#!/bin/bash
# callgrind instruction counts per page query for each measurement variant (SQLite), two at a time.
BENCH=$(ls -t /work/target-perf/release/deps/page_query-* | grep -v '\.d$' | head -1)
cd /work/perf-runs
run() {
  IMPACT_PERF_VARIANT=$1 IMPACT_BENCH_ONLY=${2:-sqlite} IMPACT_BENCH_ROUNDS=0 IMPACT_BENCH_LOAD_SECONDS=0 IMPACT_BENCH_CALLGRIND=20 \
    IMPACT_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres IMPACT_BENCH_SERVER=${SERVER:-} \
    nice -n 10 $BENCH > cg-$1-${2:-sqlite}.out 2> cg-$1-${2:-sqlite}.err
}
for v in base nohook noext noorder noblock nohook,capserial; do run $v sqlite & done
run base postgres &
wait
