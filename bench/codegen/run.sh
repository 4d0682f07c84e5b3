#!/usr/bin/env bash
# Times Java code generation for Matrix spec v1.7 inside a Maven build (phase generate-sources):
#   ours     = matrix-spec-maven-plugin, everything (models,events,endpoints,server,client), all APIs   (./pom.xml)
#   openapi  = openapi-generator-maven-plugin 7.25.0, java/native, one execution per client-server file (openapi/pom.xml)
#   no-op    = mvn -o -q validate on each project (Maven start-up + project model, no plugin runs)
# Usage: ./run.sh [N] [SPEC_DIR]     or   N=5 SPEC_DIR=... ./run.sh
#   N        measured runs per project (default 5); one extra warm-up run per project comes first, is not offline
#            (it may fill the local repository) and is discarded.
#   SPEC_DIR folder holding v1.3..v1.7 (default ../../../shared/matrix-spec, relative to this folder).
# mvn clean runs before every run and is not timed. Logs go to ./logs/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
N=${1:-${N:-5}}
SPEC_DIR=${2:-${SPEC_DIR:-$here/../../../shared/matrix-spec}}
SPEC_DIR=$(cd "$SPEC_DIR" && pwd)
export JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS=${MAVEN_OPTS:-}
mkdir -p logs
rm -f logs/*

./gen-openapi-pom.sh "$SPEC_DIR" >/dev/null
n_exec=$(grep -c '<execution>' openapi/pom.xml)
spec="-Dspec.dir=$SPEC_DIR"

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
# run LABEL DIR ARGS... : clean (untimed), then time "mvn ARGS"; appends seconds to logs/LABEL.times
run() {
  local label=$1 dir=$2; shift 2
  (cd "$dir" && mvn -o -q "$spec" clean >/dev/null 2>&1)
  local t0 t1 rc=0 watch
  wait_quiet
  # A watcher notes whether another Maven ran at any time during the timed run.
  rm -f logs/.busy
  (while :; do foreign_mvn && touch logs/.busy; sleep 0.5; done) & watch=$!
  t0=$(now)
  (cd "$dir" && mvn "$spec" "$@") >>"logs/$label.log" 2>&1 || rc=$?
  t1=$(now)
  kill "$watch" 2>/dev/null; wait "$watch" 2>/dev/null || true
  local secs busy=0
  secs=$(echo "$t0 $t1" | awk '{printf "%.3f", $2-$1}')
  if [ -e logs/.busy ]; then busy=1; echo "$label $secs" >>logs/busy.txt; fi
  if [ "$rc" -ne 0 ]; then echo "$label: mvn exited $rc (see logs/$label.log)" >&2; echo "$rc" >>"logs/$label.rc"; fi
  echo "$secs" >>"logs/$label.times"
  [ "$busy" = 1 ] || echo "$secs" >>"logs/$label.quiet"
}
med() { sort -n "$1" 2>/dev/null | awk '{a[NR]=$1} END {if (!NR) {printf "%-34s", "-"; exit}; m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %6.2f s  min %6.2f s  (n=%d)", m, a[1], NR}'; }
stats() { echo "$(med "logs/$1.times")   undisturbed runs only: $(med "logs/$1.quiet")"; }

plugin_jar=$(ls ~/.m2/repository/dev/mxspec/matrix-spec-maven-plugin/0.1.0-SNAPSHOT/*.jar ~/.m2/repository/dev/mxspec/mxspec-generator/0.1.0-SNAPSHOT/*.jar)
jar_sums() { sha256sum $plugin_jar | cut -c1-12 | tr '\n' ' '; }
sums_before=$(jar_sums)
echo "matrix-spec-maven-plugin, mxspec-generator jars (sha256): $sums_before"
echo "JAVA_HOME=$JAVA_HOME  spec=$SPEC_DIR  N=$N (+1 warm-up)  $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm-up (online, verbose, discarded) ..."
run warmup-ours . -B -ntp -Dmxspec.force=true generate-sources
run warmup-openapi openapi -B -ntp generate-sources
rm -f logs/warmup-*.times logs/warmup-*.quiet
for i in $(seq 1 "$N"); do
  echo "run $i/$N ..."
  run noop-ours . -o -q validate
  run noop-openapi openapi -o -q validate
  run ours . -o -q -Dmxspec.force=true generate-sources
  run openapi openapi -o -q generate-sources
done

# Output of the last measured run of each project (the loop ends with them).
ours_out=target/generated-sources/mxspec
oag_out=openapi/target/generated-sources/openapi
ours_files=$(find "$ours_out" -type f 2>/dev/null | wc -l)
ours_java=$(find "$ours_out" -name '*.java' 2>/dev/null | wc -l)
ours_cs=$(find "$ours_out" -path '*/clientserver/*' -name '*.java' 2>/dev/null | wc -l)
oag_files=$(find "$oag_out" -type f 2>/dev/null | wc -l)
oag_java=$(find "$oag_out" -name '*.java' 2>/dev/null | wc -l)
# An execution failed if its output folder has no generated API class.
failed=()
for id in $(sed -n 's|.*<id>\(.*\)</id>.*|\1|p' openapi/pom.xml); do
  if ! find "$oag_out/$id" -path '*/api/*Api.java' 2>/dev/null | grep -q .; then failed+=("$id"); fi
done
# Spec problems and errors reported by the verbose warm-up run (the generator goes on past them).
awk '/openapi-generator-maven-plugin:[^ ]*:generate \(/{id=$0; sub(/.*generate \(/,"",id); sub(/\).*/,"",id)}
     /^\t-/{sub(/^\t/,""); print id ": spec issue: " $0}
     /^\[ERROR\]/{print id ": " $0}' logs/warmup-openapi.log | sort | uniq -c > logs/openapi-issues.txt

echo
echo "== wall-clock seconds of mvn generate-sources (clean not timed) =="
printf 'ours (matrix-spec-maven-plugin)  '; stats ours
printf 'openapi-generator 7.25.0 (java)  '; stats openapi
echo "== Maven no-op (mvn -o -q validate), for reference =="
printf 'no-op, ours pom                  '; stats noop-ours
printf 'no-op, openapi pom               '; stats noop-openapi
echo "== files produced (last run) =="
echo "ours:    $ours_files files, $ours_java .java (v1.7, all APIs; $ours_cs .java under clientserver/)"
echo "openapi: $oag_files files, $oag_java .java, in $n_exec executions (client-server only; includes build files, README, gradle wrapper ...)"
echo "openapi executions failed (no API class generated): ${#failed[@]} of $n_exec ${failed[*]:-}"
echo "openapi executions with spec issues (validation skipped): $(grep -c 'spec issue' logs/openapi-issues.txt || true) distinct issue lines in $(grep 'spec issue' logs/openapi-issues.txt | awk '{print $2}' | sort -u | wc -l) files; generator [ERROR] lines: $(grep -v 'spec issue' logs/openapi-issues.txt | awk '{s+=$1} END {print s+0}') (see logs/openapi-issues.txt)"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -s logs/busy.txt ] && echo "WARNING: during $(wc -l < logs/busy.txt) timed runs another Maven was running (logs/busy.txt)"
[ "$(jar_sums)" = "$sums_before" ] || echo "WARNING: the mxspec plugin or generator jar changed during the benchmark: $(jar_sums)"
for f in logs/*.rc; do [ -e "$f" ] && echo "WARNING: failed mvn runs: $f"; done
exit 0
