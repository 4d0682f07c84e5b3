#!/usr/bin/env bash
# Times Java code generation for Matrix spec releases inside Maven builds, our plugin beside OpenAPI Generator:
#   ours     = matrix-spec-maven-plugin, everything (models,events,endpoints,server,client), all APIs   (./pom.xml)
#   openapi  = openapi-generator-maven-plugin 7.25.0, java/native, one execution per client-server file (openapi/RELEASE/pom.xml)
# For each release and tool, wall clock of:
#   noop     mvn validate (Maven start-up and project model, no plugin runs), for reference
#   cold     mvn generate-sources after mvn clean (clean not timed)
#   again    mvn generate-sources once more, nothing changed (each tool's own up-to-date check)
#   compile  mvn compile of the generated output (generation up to date)
# Usage: ./run.sh [N] [SPEC_DIR]     or   N=5 SPEC_DIR=... RELEASES="v1.7 v1.16" M2_REPO=/tmp/m2 ./run.sh
#   N         measured runs per release, tool and step (default 3); one warm-up run of each comes first, is not
#             offline (it may fill the local repository) and is discarded.
#   SPEC_DIR  folder holding one folder per release (default ../../../shared/matrix-spec, relative to this folder).
#   RELEASES  releases to compare (default "v1.7 v1.16").
#   M2_REPO   local Maven repository to use (-Dmaven.repo.local), for example one holding a build of mxspec that is
#             not installed in ~/.m2 (default: Maven's own, ~/.m2/repository).
# Logs go to ./logs/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
N=${1:-${N:-3}}
SPEC_DIR=${2:-${SPEC_DIR:-$here/../../../shared/matrix-spec}}
SPEC_DIR=$(cd "$SPEC_DIR" && pwd)
RELEASES=${RELEASES:-v1.7 v1.16}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
export JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS=${MAVEN_OPTS:-}
mkdir -p logs
rm -f logs/*
mvn_common=(-B -ntp "-Dmaven.repo.local=$M2_REPO" "-Dspec.dir=$SPEC_DIR")

for r in $RELEASES; do ./gen-openapi-pom.sh "$SPEC_DIR" "$r" >/dev/null; done

now() { date +%s.%N; }
# Maven processes not started by this script (the machine has 2 cores: they disturb the timings).
foreign_mvn() {
  local pid
  for pid in $(pgrep -f plexus-classworlds || true); do
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$here" || return 0
  done
  return 1
}
# Wait (at most QUIET_WAIT seconds, default 300) until no other Maven has run for 3 s.
wait_quiet() {
  local waited=0 quiet=0
  while [ "$quiet" -lt 3 ] && [ "$waited" -lt "${QUIET_WAIT:-300}" ]; do
    if foreign_mvn; then quiet=0; else quiet=$((quiet + 1)); fi
    sleep 1; waited=$((waited + 1))
  done
}
# run LABEL DIR ARGS... : time "mvn ARGS" in DIR; appends seconds to logs/LABEL.times (and .quiet when undisturbed)
run() {
  local label=$1 dir=$2; shift 2
  local t0 t1 rc=0 watch
  wait_quiet
  # A watcher notes whether another Maven ran at any time during the timed run.
  rm -f logs/.busy
  (while :; do foreign_mvn && touch logs/.busy; sleep 0.5; done) & watch=$!
  t0=$(now)
  (cd "$dir" && mvn "${mvn_common[@]}" "$@") >"logs/$label.last.log" 2>&1 || rc=$?
  t1=$(now)
  kill "$watch" 2>/dev/null; wait "$watch" 2>/dev/null || true
  cat "logs/$label.last.log" >>"logs/$label.log"
  local secs
  secs=$(echo "$t0 $t1" | awk '{printf "%.3f", $2-$1}')
  if [ -e logs/.busy ]; then echo "$label $secs" >>logs/busy.txt; else echo "$secs" >>"logs/$label.quiet"; fi
  if [ "$rc" -ne 0 ]; then echo "$label: mvn exited $rc (see logs/$label.log)" >&2; echo "$rc" >>"logs/$label.rc"; fi
  echo "$secs" >>"logs/$label.times"
}
clean() { (cd "$1" && mvn "${mvn_common[@]}" -o -q clean >/dev/null 2>&1); }
# steps LABEL-SUFFIX DIR OFFLINE [EXTRA...]: cold, again, compile (and noop) for one tool and release
steps() {
  local suffix=$1 dir=$2 offline=$3; shift 3
  run "noop-$suffix" "$dir" $offline validate "$@"
  clean "$dir"
  run "cold-$suffix" "$dir" $offline generate-sources "$@"
  run "again-$suffix" "$dir" $offline generate-sources "$@"
  run "compile-$suffix" "$dir" $offline compile "$@"
}
med() { sort -n "$1" 2>/dev/null | awk '{a[NR]=$1} END {if (!NR) {printf "%-30s", "-"; exit}; m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %6.2f s  min %6.2f s  (n=%d)", m, a[1], NR}'; }
stats() { echo "$(med "logs/$1.times")   undisturbed: $(med "logs/$1.quiet")"; }

plugin_jars=$(ls "$M2_REPO"/dev/mxspec/matrix-spec-maven-plugin/0.1.0-SNAPSHOT/*.jar "$M2_REPO"/dev/mxspec/mxspec-generator/0.1.0-SNAPSHOT/*.jar)
jar_sums() { sha256sum $plugin_jars | cut -c1-12 | tr '\n' ' '; }
sums_before=$(jar_sums)
echo "matrix-spec-maven-plugin, mxspec-generator jars in $M2_REPO (sha256): $sums_before"
echo "JAVA_HOME=$JAVA_HOME  spec=$SPEC_DIR  releases=$RELEASES  N=$N (+1 warm-up)  $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (online, discarded) ..."
for r in $RELEASES; do
  steps "ours-$r" . "" "-Dspec.release=$r"
  steps "openapi-$r" "openapi/$r" ""
done
for f in logs/*.times logs/*.quiet logs/*.log; do mv "$f" "${f%.*}.warmup-${f##*.}"; done 2>/dev/null || true
rm -f logs/busy.txt
for i in $(seq 1 "$N"); do
  for r in $RELEASES; do
    echo "run $i/$N, $r ..."
    steps "ours-$r" . -o "-Dspec.release=$r"
    steps "openapi-$r" "openapi/$r" -o
  done
done

for r in $RELEASES; do
  oag_out=openapi/$r/target/generated-sources/openapi
  # The loop ends with the last release; count this release's output from its own last cold run's log instead of the tree.
  ours_ms=$(grep -ho 'mxspec: .* -> .* in [0-9]* ms)' "logs/cold-ours-$r.log" | sed 's/.* in \([0-9]*\) ms)/\1/' | sort -n | tr '\n' ' ')
  ours_files=$(grep -ho 'mxspec: .* -> .* (\([0-9]*\) written' "logs/cold-ours-$r.log" | tail -1 | sed 's/.*(\([0-9]*\) written/\1/')
  again_ms=$(grep -ho 'up to date in .* (checked in [0-9]* ms)' "logs/again-ours-$r.log" | sed 's/.*checked in \([0-9]*\) ms)/\1/' | sort -n | tr '\n' ' ')
  oag_java=$(find "$oag_out" -name '*.java' 2>/dev/null | wc -l)
  oag_skipped=$(grep -c 'Code generation is skipped' "logs/again-openapi-$r.last.log" || true)
  n_exec=$(grep -c '<execution>' "openapi/$r/pom.xml")
  failed=()
  for id in $(sed -n 's|.*<id>\(.*\)</id>.*|\1|p' "openapi/$r/pom.xml"); do
    if ! find "$oag_out/$id" -path '*/api/*Api.java' 2>/dev/null | grep -q .; then failed+=("$id"); fi
  done
  echo
  echo "== $r: wall clock seconds (clean not timed) =="
  for step in noop cold again compile; do
    printf 'ours     %-8s %s\n' "$step" "$(stats "$step-ours-$r")"
    printf 'openapi  %-8s %s\n' "$step" "$(stats "$step-openapi-$r")"
  done
  echo "ours: the goal's own log, cold: [ $ours_ms] ms for $ours_files files (all APIs); up-to-date check: [ ${again_ms}] ms"
  echo "ours compile: $(grep -c 'BUILD SUCCESS' "logs/compile-ours-$r.log" || true) of $(grep -c 'BUILD' "logs/compile-ours-$r.log" || true) compile runs succeeded"
  echo "openapi: $oag_java .java in $n_exec executions (client-server only); $oag_skipped of $n_exec executions skipped as unchanged on the last 'again' run;" \
       "executions without an API class: ${#failed[@]} ${failed[*]:-}"
  echo "openapi compile: $(grep -c 'BUILD SUCCESS' "logs/compile-openapi-$r.log" || true) of $(grep -c 'BUILD' "logs/compile-openapi-$r.log" || true) compile runs succeeded" \
       "(first errors: $(grep -m3 'ERROR.*\.java' "logs/compile-openapi-$r.log" | sed 's/.*generated-sources\/openapi\///' | cut -c1-120 | tr '\n' ';'))"
done
echo
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -s logs/busy.txt ] && echo "WARNING: during $(wc -l < logs/busy.txt) timed runs another Maven was running (logs/busy.txt)"
[ "$(jar_sums)" = "$sums_before" ] || echo "WARNING: the mxspec plugin or generator jar changed during the benchmark: $(jar_sums)"
for f in logs/*.rc; do [ -e "$f" ] && echo "WARNING: failed mvn runs: $f"; done
exit 0
