# bench/run cnn: the reference convnet (conv 5x5 1->16, ReLU, max-pool 2, conv 5x5 16->32, ReLU,
# max-pool 2, flatten, linear 512->10; ../shared/reference/pytorch_train.py --model cnn), gradlab
# against PyTorch on 1 and 2 threads, the two sides alternating, CNN_ROUNDS times each:
#   - the SGD step at batch 100 (lr 0.05, momentum 0.9): CnnStep against cnn_step.py, each the
#     median of its timed rounds after a warm-up;
#   - a full Fashion-MNIST epoch by backprop (same recipe, batches reshuffled): the median of the
#     later epochs of a CNN_EPOCHS-epoch run (the first carries gradlab's JIT warm-up), from
#     pytorch_train.py --method backprop --data full and ./gradlab train --data full;
#   - ES loss evaluations per second on the embedded subset (antithetic, 100 pairs, batch 100):
#     pytorch_train.py --method es (noise table, vmap over chunks of members) against gradlab's
#     low-rank (r = 1) and full-rank perturbations.
# Prints a line per figure, the medians over the rounds with their range (min-max) and
# ratio = gradlab / pytorch of the medians (below 1 is faster for times, above 1 for evaluations/s):
#   cnn_sgd_step_ms threads=T gradlab=MEDIAN (MIN-MAX) pytorch=MEDIAN (MIN-MAX) ratio=R
# Environment: CNN_ROUNDS (3), CNN_THREADS ("1 2"), CNN_EPOCHS (3), CNN_ES_EPOCHS (3),
# CNN_PARTS ("step epoch es"), JAVA_HOME (the JDK of both sides; ./gradlab's own choice otherwise).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -euo pipefail
rounds="${CNN_ROUNDS:-3}"
threads_list="${CNN_THREADS:-1 2}"
epochs="${CNN_EPOCHS:-3}"
es_epochs="${CNN_ES_EPOCHS:-3}"
parts="${CNN_PARTS:-step epoch es}"
out="$root/bench/target/cnn"
rm -rf "$out"; mkdir -p "$out"
python=/usr/bin/python3
build_benchmarks
# Without JAVA_HOME, CnnStep runs on the JDK ./gradlab picks for itself (the newest installed).
if [ -z "${JAVA_HOME:-}" ]; then
  home=$(cd "$root" && ./gradlab info 2>/dev/null | sed -n 's/^java .*, \(\/[^)]*\))$/\1/p' | head -1)
  [ -n "$home" ] && [ -x "$home/bin/java" ] && java_bin="$home/bin/java"
fi
if [[ " $parts " == *" epoch "* || " $parts " == *" es "* ]]; then
  (cd "$root" && ./mvnw -B -q -o install -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip -pl cli -am) >&2
fi
echo "bench: $("$java_bin" -version 2>&1 | grep -m1 version); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

gradlab() { (cd "$root" && ./gradlab "$@") 2> >(grep -v -e "incubator modules" >&2); }
pytorch() { # threads args...
  local t=$1; shift
  OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$python" "$@"
}
# The median of the later epochs' seconds in a metrics.csv (gradlab; its training_seconds, the time
# in the steps as PyTorch's log counts it) or an epoch log (PyTorch).
later_epochs() {
  awk -F'[, ]' '
    /^epoch /   { for (i = 1; i < NF; i++) if ($i == "seconds") s[++n] = $(i + 1) }
    /^[0-9]+,/  { s[++n] = (NF >= 7 ? $7 : $6) }
    END { for (i = 2; i <= n; i++) e[i - 1] = s[i] - s[i - 1]
          m = n - 1; for (i = 2; i <= m; i++) { x = e[i]; for (j = i - 1; j > 0 && e[j] > x; j--) e[j + 1] = e[j]; e[j + 1] = x }
          printf "%.3f\n", m % 2 ? e[(m + 1) / 2] : (e[m / 2] + e[m / 2 + 1]) / 2 }' "$1"
}
# Loss evaluations per second of training: the last row of a metrics.csv, or PyTorch's summary line.
evals_per_s() {
  awk -F'[, ]' '
    /^summary/ { for (i = 1; i < NF; i++) if ($i == "evaluations_per_second") v = $(i + 1) }
    /^[0-9]+,/ { v = $5 / (NF >= 7 ? $7 : $6) }
    END { printf "%.1f\n", v }' "$1"
}
record() { echo "$1 $2 $3 $4" >> "$out/values.txt"; echo "round name=$1 threads=$2 side=$3 value=$4"; }

for r in $(seq 1 "$rounds"); do
  for t in $threads_list; do
    if [[ " $parts " == *" step "* ]]; then
      echo "bench: round $r, $t thread(s): SGD step" >&2
      v=$(pytorch "$t" "$root/bench/scripts/cnn_step.py" "$t" | sed -n 's/.*median=\([^ ]*\).*/\1/p')
      record cnn_sgd_step_ms "$t" pytorch "$v"
      v=$("$java_bin" --add-modules jdk.incubator.vector -cp "$jar" dev.gradlab.bench.optim.CnnStep "threads=$t" \
            2> >(grep -v -e "incubator modules" >&2) | sed -n 's/^cnn_sgd_step_ms.*median=\([^ ]*\).*/\1/p')
      record cnn_sgd_step_ms "$t" gradlab "$v"
    fi
    if [[ " $parts " == *" epoch "* ]]; then
      echo "bench: round $r, $t thread(s): full epoch" >&2
      pytorch "$t" "$reference/pytorch_train.py" --model cnn --method backprop --data full --lr 0.05 \
        --epochs "$epochs" --threads "$t" > "$out/epoch_pytorch_t${t}_r$r.txt"
      record cnn_full_epoch_s "$t" pytorch "$(later_epochs "$out/epoch_pytorch_t${t}_r$r.txt")"
      gradlab train --model cnn --method backprop --data full --lr 0.05 --momentum 0.9 --epochs "$epochs" \
        --threads "$t" --out "$out/epoch_gradlab_t${t}_r$r" > /dev/null
      record cnn_full_epoch_s "$t" gradlab "$(later_epochs "$out/epoch_gradlab_t${t}_r$r/metrics.csv")"
    fi
    if [[ " $parts " == *" es "* ]]; then
      echo "bench: round $r, $t thread(s): ES" >&2
      pytorch "$t" "$reference/pytorch_train.py" --model cnn --method es --data subset --epochs "$es_epochs" \
        --threads "$t" > "$out/es_pytorch_t${t}_r$r.txt"
      record cnn_es_evals_per_s "$t" pytorch "$(evals_per_s "$out/es_pytorch_t${t}_r$r.txt")"
      for kind in lowrank full; do
        gradlab train --model cnn --method es --data subset --epochs "$es_epochs" --perturbation "$kind" \
          --threads "$t" --out "$out/es_${kind}_t${t}_r$r" > /dev/null
        record "cnn_es_${kind}_evals_per_s" "$t" gradlab "$(evals_per_s "$out/es_${kind}_t${t}_r$r/metrics.csv")"
      done
    fi
  done
done

# Medians over the rounds with their range; the ES rows compare each gradlab kind with PyTorch's ES.
awk '
  function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
                                  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { key = $1 SUBSEP $2 SUBSEP $3; v[key, ++n[key]] = $4; if (!(($1, $2) in seen)) { seen[$1, $2] = 1; order[++rows] = $1 SUBSEP $2 } }
  function summary(key,   i, a, m) { m = n[key]; for (i = 1; i <= m; i++) a[i] = v[key, i] + 0
                                      mid = med(a, m); return sprintf("%.3f (%.3f-%.3f)", mid, a[1], a[m]) }
  END { for (r = 1; r <= rows; r++) {
          split(order[r], f, SUBSEP); name = f[1]; t = f[2]
          ref = (name ~ /^cnn_es_/) ? "cnn_es_evals_per_s" : name
          if (name == ref && name ~ /^cnn_es_evals/) continue
          g = summary(name SUBSEP t SUBSEP "gradlab"); gm = mid
          p = summary(ref SUBSEP t SUBSEP "pytorch"); pm = mid
          printf "%s threads=%s gradlab=%s pytorch=%s ratio=%.2f\n", name, t, g, p, pm == 0 ? 0 : gm / pm } }' \
  "$out/values.txt" | tee "$out/medians.txt"
