# Shared by the bench scripts: paths, and building the benchmark jar when it is missing or stale.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reference="${GRADLAB_REFERENCE:-$root/../shared/reference}"
jar="$root/bench/target/benchmarks.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

build_benchmarks() {
  if [ ! -f "$jar" ] || [ -n "$(find "$root" -name '*.java' -newer "$jar" -not -path '*/target/*' | head -1)" ]; then
    echo "bench: building $jar" >&2
    (cd "$root" && ./mvnw -B -q -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip -pl bench -am package) >&2
  fi
}

# Runs JMH from the benchmark jar with the flags every gradlab JVM needs.
jmh() {
  "$java_bin" --add-modules jdk.incubator.vector -jar "$jar" -jvmArgsAppend "--add-modules jdk.incubator.vector" "$@"
}
