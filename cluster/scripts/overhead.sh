#!/usr/bin/env bash
# The cluster's overhead on one machine: the reference MLP trained by low-rank (r = 1) antithetic ES,
# 500 pairs, batch 100, on 2 threads, once with the local evaluator and once as a trainer whose
# members are evaluated by one worker in a separate JVM (2 threads), alternating, RUNS times each.
# Prints each run's loss evaluations per second and the medians. Run it on an idle machine, after
# ./mvnw -B -o package -pl cli -am -DskipTests (it uses ./gradlab).
#   cluster/scripts/overhead.sh [RUNS=3] [PAIRS=500] [EPOCHS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
pairs=${2:-500}
epochs=${3:-3}
name="gradlab-overhead-$$"
port=$((20000 + RANDOM % 20000))
out=$(mktemp -d)
log="$out/worker.log"

./gradlab worker --cluster "$name" --members "127.0.0.1:$port" --port "$port" --threads 2 >"$log" 2>&1 &
worker=$!
trap 'kill -TERM "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 1 240); do
  grep -q "waiting for work" "$log" && break
  sleep 0.25
done
grep -q "waiting for work" "$log" || { echo "overhead: the worker did not start:" >&2; cat "$log" >&2; exit 1; }

# Loss evaluations per second from train's last lines: "trained in S s (N loss evaluations); ...".
rate() {
  sed -n 's/^trained in \([0-9.]*\) s (\([0-9]*\) loss evaluations).*/\2 \1/p' | awk '{printf "%.0f\n", $1 / $2}'
}
common=(train --method es --perturbation lowrank --rank 1 --antithetic --population "$pairs" --batch 100
        --epochs "$epochs" --threads 2 --no-progress)
local_rates=()
cluster_rates=()
for i in $(seq 1 "$runs"); do
  r=$(./gradlab "${common[@]}" --out "$out/local-$i" 2>/dev/null | rate)
  local_rates+=("$r")
  c=$(./gradlab "${common[@]}" --out "$out/cluster-$i" --cluster "$name" --members "127.0.0.1:$port" \
      --port $((port + 1)) 2>/dev/null | rate)
  cluster_rates+=("$c")
  echo "run $i: local $r evaluations/s, trainer + 1 worker $c evaluations/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ml=$(median "${local_rates[@]}")
mc=$(median "${cluster_rates[@]}")
awk -v l="$ml" -v c="$mc" 'BEGIN {printf "median: local %d, cluster %d evaluations/s: the cluster costs %.1f%%\n", l, c, 100 * (1 - c / l)}'
