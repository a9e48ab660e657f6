# bench/run es: evolution strategies on the embedded subset, gradlab against
# ../shared/reference/pytorch_train.py --method es with the same settings (antithetic pairs,
# centered ranks, Adam; 100 pairs, sigma 0.05, batch 100, lr 0.01), the two sides alternating,
# ES_ROUNDS times for each thread count in ES_THREADS. gradlab runs full-rank and low-rank
# (rank ES_RANK) perturbations; PyTorch full-rank, as a strong user would write it. Prints one line
# per round and side, then the medians (with min-max) of the loss evaluations per second, their
# ratios to PyTorch's, and the seconds of training to first reach 0.75 and 0.77 test accuracy.
# PyTorch runs on the thread counts in ES_PYTORCH_THREADS (default 1: with 2 threads on 2 cores it
# oversubscribes them and runs several times slower); a gradlab thread count without a PyTorch run
# of its own is compared with PyTorch's best, on 1 thread.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -euo pipefail
build_benchmarks
rounds="${ES_ROUNDS:-3}"
threads_list="${ES_THREADS:-1 2}"
epochs="${ES_EPOCHS:-40}"
rank="${ES_RANK:-1}"
pytorch_threads="${ES_PYTORCH_THREADS:-1}"
out="$root/bench/target/es"
rm -rf "$out"; mkdir -p "$out"
python=/usr/bin/python3

run_gradlab() { # threads rank file
  "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" dev.gradlab.bench.optim.Training method=es \
    "threads=$1" "rank=$2" "epochs=$epochs" seed=42 2> >(grep -v -e "incubator modules" >&2) > "$3"
}
run_pytorch() { # threads file
  OMP_NUM_THREADS=$1 OPENBLAS_NUM_THREADS=$1 "$python" "$reference/pytorch_train.py" --method es --data subset \
    --threads "$1" --epochs "$epochs" > "$2"
}
# "eps first075 first077" from one output: epoch lines carry "seconds S test_accuracy A" in some order.
summarise() {
  awk '
    /^epoch/ { for (i = 1; i < NF; i++) { if ($i == "seconds") s = $(i + 1); if ($i == "test_accuracy") a = $(i + 1) }
               if (a >= 0.75 && t75 == "") t75 = s; if (a >= 0.77 && t77 == "") t77 = s }
    /^summary/ { for (i = 1; i < NF; i++) if ($i == "evaluations_per_second") eps = $(i + 1) }
    END { print eps, (t75 == "" ? "-" : t75), (t77 == "" ? "-" : t77) }' "$1"
}

for t in $threads_list; do
  for r in $(seq 1 "$rounds"); do
    sides="full lowrank"
    if [[ " $pytorch_threads " == *" $t "* ]]; then
      echo "bench: threads $t round $r: pytorch" >&2
      run_pytorch "$t" "$out/pytorch_t${t}_r$r.txt"
      sides="pytorch $sides"
    fi
    echo "bench: threads $t round $r: gradlab full-rank" >&2
    run_gradlab "$t" 0 "$out/full_t${t}_r$r.txt"
    echo "bench: threads $t round $r: gradlab low-rank" >&2
    run_gradlab "$t" "$rank" "$out/lowrank_t${t}_r$r.txt"
    for side in $sides; do
      echo "round threads=$t round=$r side=$side $(summarise "$out/${side}_t${t}_r$r.txt" | awk '{print "evals_per_s=" $1 " to075=" $2 " to077=" $3}')"
    done
  done
done

# Medians over rounds, and min-max; the ratios are of the medians, all from the runs above.
for t in $threads_list; do
  for side in pytorch full lowrank; do
    ls "$out/${side}_t${t}_r"*.txt >/dev/null 2>&1 || continue
    for f in "$out/${side}_t${t}_r"*.txt; do summarise "$f"; done | awk -v side="$side" -v t="$t" '
      function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
                                      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      function range(a, n) { return n == 0 ? "-" : a[1] "-" a[n] }
      { e[++n] = $1; if ($2 != "-") s75[++n75] = $2; if ($3 != "-") s77[++n77] = $3 }
      END { me = med(e, n); printf "median threads=%s side=%s evals_per_s=%.0f (%s)", t, side, me, range(e, n)
            printf " to075=%s (%s, %d of %d runs)", n75 ? med(s75, n75) : "-", range(s75, n75), n75, n
            printf " to077=%s (%s, %d of %d runs)\n", n77 ? med(s77, n77) : "-", range(s77, n77), n77, n }'
  done
done | tee "$out/medians.txt"
awk '{ split($0, f, " "); t = f[2]; s = f[3]; sub("threads=", "", t); sub("side=", "", s); e = f[4]; sub("evals_per_s=", "", e); v[t, s] = e; ts[t] = 1 }
     END { for (t in ts) { ref = ((t, "pytorch") in v) ? v[t, "pytorch"] : v[1, "pytorch"]
                           printf "ratio threads=%s full/pytorch=%.2f lowrank/pytorch=%.2f (pytorch on %s thread)\n", t, v[t, "full"] / ref, v[t, "lowrank"] / ref, ((t, "pytorch") in v) ? t : 1 }
           if (("1", "full") in v && ("2", "full") in v) printf "scaling threads=2/1 full=%.2f lowrank=%.2f\n", v[2, "full"] / v[1, "full"], v[2, "lowrank"] / v[1, "lowrank"] }' "$out/medians.txt"
