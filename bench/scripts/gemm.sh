#!/usr/bin/env bash
# bench/run gemm: gradlab's Vector API GEMM against OpenBLAS, at the same shapes, on 1 and 2 threads.
# Prints one line per shape and thread count, then how each side scales with the threads:
#   gemm M K N threads=T gradlab=G (MIN-MAX) openblas=G (MIN-MAX) ratio=R
#   scaling M K N threads=2/1 gradlab=S openblas=S
# (GFLOPS, the median over the rounds with their range; ratio = gradlab / openblas, of the medians;
# scaling = the median on 2 threads / on 1 thread).
# Environment: GEMM_THREADS (default "1 2"), GEMM_ROUNDS (default 3: the two sides alternate this
# many times, so that a spell of noise on the host, which can halve vector throughput for seconds,
# does not decide a ratio alone), GEMM_JMH (JMH's
# run-length flags, replacing the default "-f 1 -wi 6 -w 1s -i 5 -r 100ms": 6 s of warm-up, as C2
# needs seconds to compile the micro-kernel, then five windows of 0.1 s, as the reference script
# keeps the best of five windows of 0.02-0.13 s), JAVA_HOME (the JDK to measure), GRADLAB_REFERENCE
# (the reference scripts' directory).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

shapes="256x256x256,512x512x512,1024x1024x1024,100x784x512,1000x784x512,512x100x784,100x512x10"
threads="${GEMM_THREADS:-1 2}"
rounds="${GEMM_ROUNDS:-3}"
python=/usr/bin/python3
[ -x "$python" ] || python=python3
out="$root/bench/target/gemm-$("$java_bin" -version 2>&1 | awk -F '"' '/version/ { split($2, v, "."); print v[1]; exit }')"
mkdir -p "$out"

if [ ! -f "$reference/openblas_gemm.py" ]; then
  echo "bench: $reference/openblas_gemm.py not found; set GRADLAB_REFERENCE to the reference scripts' directory" >&2
  exit 1
fi
build_benchmarks
echo "bench: $("$java_bin" -version 2>&1 | grep -m1 version); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for t in $threads; do
  for r in $(seq 1 "$rounds"); do
    echo "bench: OpenBLAS, $t thread(s), round $r of $rounds" >&2
    OPENBLAS_NUM_THREADS="$t" "$python" "$reference/openblas_gemm.py" > "$out/openblas-$t-$r.txt"
    echo "bench: gradlab, $t thread(s), round $r of $rounds" >&2
    # shellcheck disable=SC2086
    jmh 'dev.gradlab.bench.gemm.GemmBenchmark' -p impl=vector -p layout=NN -p "threads=$t" -p "shape=$shapes" \
      ${GEMM_JMH:--f 1 -wi 6 -w 1s -i 5 -r 100ms} -rf json -rff "$out/gradlab-$t-$r.json" > "$out/gradlab-$t-$r.log"
  done
done

# Each round keeps its best measurement iteration on each side (the reference script takes the
# best of its repetitions; JMH's mean is in the JSON and the log); over the rounds, each side
# reports the median of those, with their range.
"$python" - "$out" "$rounds" $threads <<'PY'
import json, statistics, sys
out, rounds, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
results = {}
for t in threads:
    openblas, gradlab, order = {}, {}, []
    for r in range(1, rounds + 1):
        with open(f"{out}/openblas-{t}-{r}.txt") as f:
            for line in f:
                m, k, n, g = line.split()
                openblas.setdefault((int(m), int(k), int(n)), []).append(float(g))
        with open(f"{out}/gradlab-{t}-{r}.json") as f:
            for run in json.load(f):
                key = tuple(int(x) for x in run["params"]["shape"].split("x"))
                best = max(x for fork in run["primaryMetric"]["rawData"] for x in fork)
                gradlab.setdefault(key, []).append(best * 2.0 * key[0] * key[1] * key[2] / 1e9)
                if key not in order:
                    order.append(key)
    median = lambda xs: statistics.median(xs) if xs else None
    spread = lambda xs: f"{min(xs):.1f}-{max(xs):.1f}"
    for m, k, n in order:
        g = gradlab[(m, k, n)]
        ref = openblas.get((m, k, n), [])
        ref_text = f"{median(ref):.1f} ({spread(ref)})" if ref else "n/a"
        ratio = f"{median(g) / median(ref):.2f}" if ref else "n/a"
        print(f"gemm {m} {k} {n} threads={t} gradlab={median(g):.1f} ({spread(g)}) openblas={ref_text} ratio={ratio}")
    results[t] = ({key: median(v) for key, v in gradlab.items()}, {key: median(v) for key, v in openblas.items()}, order)
# How each side's median scales from the first thread count to each other one, per shape.
t0 = threads[0]
for t in threads[1:]:
    for key in results[t][2]:
        g = results[t][0][key] / results[t0][0][key]
        ref = results[t][1].get(key)
        ref_text = f"{ref / results[t0][1][key]:.2f}" if ref and results[t0][1].get(key) else "n/a"
        print(f"scaling {key[0]} {key[1]} {key[2]} threads={t}/{t0} gradlab={g:.2f} openblas={ref_text}")
PY
