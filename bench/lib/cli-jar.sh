# Sourced by the bench scripts (from the repository root): sets JAR to the CLI jar and BENCH_CP to the
# benchmarks' class path (module autoglm-bench, which is not in the CLI jar), and builds the reactor
# first when a jar or its libraries are missing, or any main source or pom is newer. `package`, not
# `install`: nothing goes to ~/.m2.
JAR=autoglm-cli/target/autoglm-cli-0.1.0-SNAPSHOT.jar
BENCH_JAR=autoglm-bench/target/autoglm-bench-0.1.0-SNAPSHOT.jar
BENCH_CP="$BENCH_JAR:autoglm-bench/target/lib/*"
if [[ ! -f $JAR || ! -f $BENCH_JAR || ! -d autoglm-cli/target/lib || ! -d autoglm-bench/target/lib \
      || -n $(find autoglm-*/src/main pom.xml autoglm-*/pom.xml -newer "$BENCH_JAR" -type f | head -1) ]]; then
  echo "building..." >&2
  ./mvnw -B -ntp -q -o -DskipTests package >&2 || ./mvnw -B -ntp -q -DskipTests package >&2
  # Maven leaves a module's jar untouched when only another module changed: mark both current so
  # the next script does not build again.
  touch "$JAR" "$BENCH_JAR"
fi
