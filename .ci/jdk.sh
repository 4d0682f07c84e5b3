# Sourced by .ci/run and ./run: sets JAVA_HOME to a JDK of version 21 or newer, preferring
# JAVA_HOME, then the default java, then the newest JDK beside the default one (/usr/lib/jvm).

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
    return
  fi
  if command -v java >/dev/null && [ "$(java_major java)" -ge 21 ]; then
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    export JAVA_HOME
    return
  fi
  local jvm_dir=/usr/lib/jvm best="" best_version=0
  if command -v java >/dev/null; then
    jvm_dir=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "$jvm_dir"/*/ /usr/lib/jvm/*/; do
    [ -x "$home/bin/javac" ] || continue
    local v
    v=$(java_major "$home/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_version" ]; then
      best=${home%/}; best_version=$v
    fi
  done
  if [ -z "$best" ]; then
    echo ".ci/run: no JDK 21 or newer found (looked in $jvm_dir and /usr/lib/jvm); set JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME=$best
}

pick_jdk
export PATH="$JAVA_HOME/bin:$PATH"
