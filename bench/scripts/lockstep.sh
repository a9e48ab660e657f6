# bench/run lockstep: environment steps per second of 1,000 members of the CartPole policy
# (--task cartpole's 4→64→2 tanh MLP), one episode each, stepped in lockstep through the population
# evaluator (LockstepRollouts, PopulationEvaluator.forwardLockstep) against the same members stepped
# one at a time through the model's ordinary forward (dev.gradlab.bench.optim.Lockstep), low-rank
# (rank LOCKSTEP_RANK) and full-rank, for each thread count in LOCKSTEP_THREADS. Prints the
# benchmark's round lines, then one summary line per run:
#   lockstep rank=R threads=T members=M steps_per_s=L (MIN-MAX) one_at_a_time=O (MIN-MAX) ratio=L/O
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -euo pipefail
build_benchmarks
threads_list="${LOCKSTEP_THREADS:-1 2}"
rank="${LOCKSTEP_RANK:-1}"
rounds="${LOCKSTEP_ROUNDS:-5}"
members="${LOCKSTEP_MEMBERS:-1000}"
out="$root/bench/target/lockstep"
rm -rf "$out"; mkdir -p "$out"

for t in $threads_list; do
  for r in "$rank" 0; do
    echo "bench: threads $t rank $r" >&2
    "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" dev.gradlab.bench.optim.Lockstep \
      "threads=$t" "rank=$r" "rounds=$rounds" "members=$members" 2> >(grep -v -e "incubator modules" >&2) \
      > "$out/rank${r}_t$t.txt"
    grep -v '^lockstep ' "$out/rank${r}_t$t.txt"
  done
done
grep -h '^lockstep ' "$out"/*.txt | tee "$out/summary.txt"
