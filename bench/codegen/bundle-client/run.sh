#!/usr/bin/env bash
# Generates mxspec's OpenAPI 3.1 bundle of a release, lets OpenAPI Generator (java, native) write a client
# from its client-server document, and compiles that client with the pom.xml OpenAPI Generator writes.
# Usage: ./run.sh [RELEASE...]   (default: v1.7 v1.16)   SPEC_DIR=... to point at the spec folder.
# Needs the generator's jar (mvn -B -ntp verify -pl generator -am -DskipTests in the main project) and,
# the first time, network access for Maven to fetch OpenAPI Generator and the client's dependencies.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
SPEC_DIR=${SPEC_DIR:-$here/../../../../shared/matrix-spec}
export JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
jar=$here/../../../generator/target/mxspec-generator.jar
releases=("$@")
[ ${#releases[@]} -eq 0 ] && releases=(v1.7 v1.16)
mkdir -p logs
for r in "${releases[@]}"; do
  rm -rf target
  java -jar "$jar" bundle "$SPEC_DIR/$r" --out target/bundle >/dev/null
  t0=$(date +%s.%N)
  mvn -B -ntp -q generate-sources >"logs/generate-$r.log" 2>&1 || { echo "$r: OpenAPI Generator failed (logs/generate-$r.log)"; continue; }
  t1=$(date +%s.%N)
  files=$(find target/client/src/main/java -name '*.java' | wc -l)
  if (cd target/client && mvn -B -ntp -q -Dmaven.compiler.release=17 compile) >"logs/compile-$r.log" 2>&1; then
    result="compiles"
  else
    result="does NOT compile (logs/compile-$r.log)"
  fi
  echo "$r: OpenAPI Generator wrote $files Java files in $(echo "$t0 $t1" | awk '{printf "%.1f", $2-$1}') s; the client $result"
done
