# bench/run full: one epoch of backprop on the full Fashion-MNIST (60,000 images, batch 100, SGD lr
# 0.1 momentum 0.9, reshuffled every epoch), gradlab against ../shared/reference/pytorch_train.py
# --method backprop --data full, the two sides alternating FULL_ROUNDS times. Each run trains
# FULL_EPOCHS epochs and counts training time only. Prints one line per run, with its first epoch
# (JIT warm-up on gradlab's side) and the median of its later epochs, then the medians over the runs
# with their range and the ratio gradlab / PyTorch (below 1: gradlab is faster):
#   round round=1 side=gradlab threads=1 first=1.410 epoch=0.705 accuracy=0.8545
#   median side=gradlab threads=1 first=1.410 (1.330-1.490) epoch=0.690 (0.665-0.705) accuracy=0.8545
#   ratio threads=1 epoch gradlab/pytorch=0.67 first=1.34
# FULL_THREADS (default "1 2") are gradlab's thread counts; PyTorch runs on 1 (with 2 threads on 2
# cores it oversubscribes them), and every gradlab count is compared with it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -euo pipefail
data=/usr/share/datasets/fashion-mnist
if [ ! -f "$data/train-images-idx3-ubyte.gz" ] && [ ! -f "$HOME/.gradlab/fashion-mnist/train-images-idx3-ubyte.gz" ]; then
  echo "bench: the full Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)" >&2
  exit 1
fi
build_benchmarks
rounds="${FULL_ROUNDS:-3}"
epochs="${FULL_EPOCHS:-3}"
threads_list="${FULL_THREADS:-1 2}"
out="$root/bench/target/full"
rm -rf "$out"; mkdir -p "$out"
python=/usr/bin/python3
echo "bench: $("$java_bin" -version 2>&1 | grep -m1 version); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# "first later accuracy": the first epoch's seconds, the median of the later ones, the last accuracy.
summarise() {
  awk '
    /^epoch/ { for (i = 1; i < NF; i++) { if ($i == "seconds") s = $(i + 1); if ($i == "test_accuracy") a = $(i + 1) }
               e[++n] = s - last; last = s; acc = a }
    END { for (i = 3; i <= n; i++) { x = e[i]; for (j = i - 1; j > 1 && e[j] > x; j--) e[j + 1] = e[j]; e[j + 1] = x }
          m = n - 1; later = m <= 0 ? e[1] : (m % 2 ? e[1 + (m + 1) / 2] : (e[1 + m / 2] + e[2 + m / 2]) / 2)
          printf "%.3f %.3f %s\n", e[1], later, acc }' "$1"
}

for r in $(seq 1 "$rounds"); do
  echo "bench: round $r: pytorch, 1 thread" >&2
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$python" "$reference/pytorch_train.py" --method backprop --data full \
    --threads 1 --epochs "$epochs" > "$out/pytorch_t1_r$r.txt"
  for t in $threads_list; do
    echo "bench: round $r: gradlab, $t thread(s)" >&2
    "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" dev.gradlab.bench.optim.Training method=backprop \
      data=full "threads=$t" "epochs=$epochs" seed=42 2> >(grep -v -e "incubator modules" >&2) > "$out/gradlab_t${t}_r$r.txt"
  done
  for f in "$out"/*_r"$r".txt; do
    side=$(basename "$f" .txt); side=${side%_r*}
    echo "round round=$r side=${side%_t*} threads=${side##*_t} $(summarise "$f" | awk '{print "first=" $1 " epoch=" $2 " accuracy=" $3}')"
  done
done

for f in "$out"/*_r1.txt; do
  side=$(basename "$f" .txt); side=${side%_r1}
  for g in "$out/${side}"_r*.txt; do summarise "$g"; done | awk -v side="${side%_t*}" -v t="${side##*_t}" '
    function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
                                    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { f[++n] = $1; e[n] = $2; acc = $3 }
    END { mf = med(f, n); me = med(e, n)
          printf "median side=%s threads=%s first=%.3f (%.3f-%.3f) epoch=%.3f (%.3f-%.3f) accuracy=%s\n", side, t, mf, f[1], f[n], me, e[1], e[n], acc }'
done | tee "$out/medians.txt"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       key = v["side"] " " v["threads"]; first[key] = v["first"]; epoch[key] = v["epoch"]; if (v["side"] == "gradlab") ts[v["threads"]] = 1 }
     END { for (t in ts) printf "ratio threads=%s epoch gradlab/pytorch=%.2f first=%.2f\n", t,
                                epoch["gradlab " t] / epoch["pytorch 1"], first["gradlab " t] / first["pytorch 1"] }' "$out/medians.txt"
