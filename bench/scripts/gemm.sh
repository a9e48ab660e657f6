#!/usr/bin/env bash
# bench/run gemm: gradlab's Vector API GEMM against OpenBLAS, at the same shapes, on 1 and 2 threads.
# Prints one line per shape and thread count:
#   gemm M K N threads=T gradlab=G openblas=G ratio=R      (GFLOPS; ratio = gradlab / openblas)
# Environment: GEMM_THREADS (default "1 2"), GEMM_JMH (JMH's run-length flags, replacing the default
# "-f 1 -wi 6 -w 1s -i 5 -r 1s": 6 s of warm-up, as C2 needs seconds to compile the micro-kernel),
# JAVA_HOME (the JDK to measure), GRADLAB_REFERENCE (the reference scripts' directory).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

shapes="256x256x256,512x512x512,1024x1024x1024,100x784x512,1000x784x512,512x100x784,100x512x10"
threads="${GEMM_THREADS:-1 2}"
python=/usr/bin/python3
[ -x "$python" ] || python=python3
out="$root/bench/target/gemm"
mkdir -p "$out"

if [ ! -f "$reference/openblas_gemm.py" ]; then
  echo "bench: $reference/openblas_gemm.py not found; set GRADLAB_REFERENCE to the reference scripts' directory" >&2
  exit 1
fi
build_benchmarks
echo "bench: $("$java_bin" -version 2>&1 | grep -m1 version); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for t in $threads; do
  echo "bench: OpenBLAS, $t thread(s)" >&2
  OPENBLAS_NUM_THREADS="$t" "$python" "$reference/openblas_gemm.py" > "$out/openblas-$t.txt"
  echo "bench: gradlab, $t thread(s)" >&2
  # shellcheck disable=SC2086
  jmh 'dev.gradlab.bench.gemm.GemmBenchmark' -p impl=vector -p layout=NN -p "threads=$t" -p "shape=$shapes" \
    ${GEMM_JMH:--f 1 -wi 6 -w 1s -i 5 -r 1s} -rf json -rff "$out/gradlab-$t.json" > "$out/gradlab-$t.log"
done

# Both sides report their best run: the reference script takes the best of its repetitions, so
# gradlab takes its best measurement iteration (JMH's mean is in the JSON and the log).
"$python" - "$out" $threads <<'PY'
import json, sys
out, threads = sys.argv[1], sys.argv[2:]
for t in threads:
    openblas = {}
    with open(f"{out}/openblas-{t}.txt") as f:
        for line in f:
            m, k, n, g = line.split()
            openblas[(int(m), int(k), int(n))] = float(g)
    with open(f"{out}/gradlab-{t}.json") as f:
        runs = json.load(f)
    for run in runs:
        m, k, n = (int(x) for x in run["params"]["shape"].split("x"))
        best = max(x for fork in run["primaryMetric"]["rawData"] for x in fork)
        gflops = best * 2.0 * m * k * n / 1e9
        ref = openblas.get((m, k, n))
        ref_text = f"{ref:.1f}" if ref else "n/a"
        ratio = f"{gflops / ref:.2f}" if ref else "n/a"
        print(f"gemm {m} {k} {n} threads={t} gradlab={gflops:.1f} openblas={ref_text} ratio={ratio}")
PY
