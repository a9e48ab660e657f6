# bench/run train [es]: the reference experiment side by side with ../shared/reference/pytorch_seed.py.
# Prints "name gradlab=X pytorch=Y ratio=R" (ratio = gradlab / pytorch; below 1 is faster for times)
# for the SGD step and the ES gradients (N = 100, vanilla and antithetic) on 1 and 2 threads, and
# the cosine of each ES estimate to backprop. "bench/run train es [ARGS]" instead trains by
# evolution strategies on the embedded subset (see Training for its arguments).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -euo pipefail
build_benchmarks
run_java() {
  "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" "$@" 2> >(grep -v -e "incubator modules" >&2)
}
if [ "${1:-}" = es ]; then
  shift
  run_java dev.gradlab.bench.optim.Training "$@"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python=/usr/bin/python3
for t in 1 2; do
  echo "bench: pytorch_seed.py $t" >&2
  OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t "$python" "$reference/pytorch_seed.py" "$t" > "$tmp/pytorch_$t.txt"
done
echo "bench: gradlab" >&2
run_java dev.gradlab.bench.optim.TrainComparison 1 2 | tee "$tmp/gradlab.txt" | grep '^#' >&2 || true

# gradlab's names end in _1thread / _2threads; the reference's come from the run with that many threads.
awk -v dir="$tmp" '
  function load(file, suffix,   name) {
    while ((getline line < file) > 0) {
      split(line, f, " ")
      if (f[1] !~ /^#/) py[f[1] suffix] = f[2]
    }
  }
  BEGIN {
    load(dir "/pytorch_1.txt", "_1thread")
    load(dir "/pytorch_2.txt", "_2threads")
    while ((getline line < (dir "/gradlab.txt")) > 0) {
      split(line, f, " ")
      if (f[1] ~ /^#/) continue
      name = f[1]
      ref = (name in py) ? py[name] : ""
      if (ref == "" && name ~ /_theory$/) { print name " gradlab=" f[2]; continue }
      ratio = (ref != "" && ref + 0 != 0) ? sprintf("%.3f", f[2] / ref) : "-"
      print name " gradlab=" f[2] " pytorch=" (ref == "" ? "-" : ref) " ratio=" ratio
    }
  }'
