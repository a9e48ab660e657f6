#!/usr/bin/env bash
# Throughput with 1, 2 and 3 workers (separate JVMs, 2 threads each) joining one at a time, low-rank ES,
# 500 pairs, batch 100, 3 epochs, 3 runs per count: cluster/scripts/workers.sh (see docs/cluster.md).
set -u
cd "$(dirname "$0")/../.."
name="gradlab-scale-$$"; port=$((20000 + RANDOM % 20000)); out=$(mktemp -d)
members="127.0.0.1:$port,127.0.0.1:$((port+1)),127.0.0.1:$((port+2))"
pids=()
rate() { sed -n 's/^trained in \([0-9.]*\) s (\([0-9]*\) loss evaluations).*/\2 \1/p' | awk '{printf "%.0f\n", $1 / $2}'; }
start_worker() { # k
  ./gradlab worker --cluster "$name" --members "$members" --port $((port + $1 - 1)) --threads 2 > "$out/w$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do grep -q "waiting for work" "$out/w$1.log" && break; sleep 0.25; done
}
common=(train --method es --perturbation lowrank --rank 1 --antithetic --population 500 --batch 100 --epochs 3 --threads 2 --no-progress)
for k in 1 2 3; do
  start_worker $k
  for i in 1 2 3; do
    c=$(./gradlab "${common[@]}" --out "$out/c$k-$i" --cluster "$name" --members "$members" --port $((port + 10)) 2>/dev/null | rate)
    echo "workers $k run $i: $c evaluations/s"
  done
done
kill -TERM "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$out"
