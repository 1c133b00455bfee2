# Sourced by the bench scripts (from the repository root): sets JAR to the CLI jar and builds the
# reactor first when the jar or its libraries are missing, or any main source or pom is newer.
JAR=autoglm-cli/target/autoglm-cli-0.1.0-SNAPSHOT.jar
if [[ ! -f $JAR || ! -d autoglm-cli/target/lib || -n $(find autoglm-*/src/main pom.xml autoglm-*/pom.xml -newer "$JAR" -type f | head -1) ]]; then
  echo "building..." >&2
  ./mvnw -q -o -DskipTests install >&2 || ./mvnw -q -DskipTests install >&2
fi
