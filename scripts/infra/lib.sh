# shellcheck shell=bash
# Common helpers for scripts/infra: paths, logging, ports, pid files, Maven
# classpaths. Sourced by infra.sh; every service file relies on these.

INFRA_CACHE="${CHAT_INFRA_CACHE:-$HOME/.cache/chat-infra}"
INFRA_RUN="${CHAT_INFRA_RUN:-$INFRA_CACHE/run}"
INFRA_HOST=127.0.0.1
# Seconds `down` waits for a process to exit after SIGTERM before SIGKILL.
INFRA_STOP_TIMEOUT="${CHAT_INFRA_STOP_TIMEOUT:-30}"

# Prints one progress line: "infra: <service>: <message>".
say() {
  local svc="$1"; shift
  printf 'infra: %-13s %s\n' "$svc:" "$*"
}

# Prints an error line to stderr.
err() {
  local svc="$1"; shift
  printf 'infra: %-13s ERROR: %s\n' "$svc:" "$*" >&2
}

# Seconds since the epoch (integer), for "ready in Ns".
now_s() { date +%s; }

# True when something accepts TCP connections on host:port.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Fails (returns 1) when the port is already taken: we will not share it.
require_port_free() {
  local svc="$1" port="$2"
  if port_open "$INFRA_HOST" "$port"; then
    err "$svc" "port $INFRA_HOST:$port is already in use by another process"
    return 1
  fi
}

# Directory of one service's runtime state.
run_dir() { printf '%s/%s' "$INFRA_RUN" "$1"; }
pid_file() { printf '%s/%s/pid' "$INFRA_RUN" "$1"; }

# Pid of a live service process (from its pid file), or nothing.
live_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(<"$f")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

# Starts a command in its own session (so `down` can signal the whole process
# group), stdout+stderr to a log file, and records the leader's pid.
# Usage: spawn <svc> <logfile> <cmd...>
spawn() {
  local svc="$1" log="$2"; shift 2
  # fd 9 is the per-service lock of infra.sh: the server must not inherit it.
  setsid "$@" >>"$log" 2>&1 </dev/null 9>&- &
  printf '%s' "$!" >"$(pid_file "$svc")"
}

# Sends SIGTERM to a service's process group, waits up to INFRA_STOP_TIMEOUT
# seconds, then SIGKILLs what is left. Removes the pid file.
stop_pid() {
  local svc="$1" pid i
  pid="$(live_pid "$svc")" || { rm -f "$(pid_file "$svc")"; return 0; }
  say "$svc" "stopping (pid $pid)..."
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < INFRA_STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$svc" "still running after ${INFRA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # Anything else left in the group (e.g. a child that outlived its leader).
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$(pid_file "$svc")"
}

# Prints the last lines of a log file, indented, to stderr.
log_tail() {
  local file="$1" n="${2:-40}"
  if [[ -f "$file" ]]; then
    echo "---- last $n lines of $file ----" >&2
    tail -n "$n" "$file" | sed 's/^/    /' >&2
    echo "----" >&2
  else
    echo "(no log at $file)" >&2
  fi
}

# Polls a check command until it succeeds, the process dies, or time runs out.
# Usage: wait_until <svc> <timeout-s> <check-cmd...>
wait_until() {
  local svc="$1" timeout="$2"; shift 2
  local deadline=$(( $(now_s) + timeout ))
  while (( $(now_s) < deadline )); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! live_pid "$svc" >/dev/null; then
      err "$svc" "process exited before it was ready"
      return 1
    fi
    sleep 1
  done
  err "$svc" "not ready after ${timeout}s"
  return 1
}

# Resolves a Maven artifact and its runtime dependencies into a directory of
# jars (cached: done once per version). Maven runs are serialised with a lock
# because parallel runs share ~/.m2.
# Usage: maven_classpath <svc> <dest-dir> <group:artifact:version>...
maven_classpath() {
  local svc="$1" dest="$2"; shift 2
  [[ -f "$dest/.complete" ]] && return 0
  local work="$dest.work" deps="" gav g a v
  rm -rf "$work" "$dest"; mkdir -p "$work"
  for gav in "$@"; do
    IFS=: read -r g a v <<<"$gav"
    deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
  done
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>chat.infra</groupId><artifactId>$svc-classpath</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
EOF
  say "$svc" "fetching $* with Maven..."
  if ! flock "$INFRA_CACHE/.maven.lock" mvn -B -q -f "$work/pom.xml" \
      dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$work/lib" >"$work/mvn.log" 2>&1; then
    err "$svc" "Maven could not resolve $*"
    log_tail "$work/mvn.log" 30
    return 1
  fi
  mv "$work/lib" "$dest" && touch "$dest/.complete" && rm -rf "$work"
}

# Fetches a single Maven artifact file (no dependencies) into
# $INFRA_CACHE/downloads once and prints its path there.
# Usage: maven_artifact <svc> <group:artifact:version:packaging>
maven_artifact() {
  local svc="$1" gavp="$2" g a v p
  IFS=: read -r g a v p <<<"$gavp"
  local dest="$INFRA_CACHE/downloads" file="$INFRA_CACHE/downloads/$a-$v.$p"
  if [[ ! -f "$file" ]]; then
    say "$svc" "fetching $gavp with Maven..." >&2
    mkdir -p "$dest"
    flock "$INFRA_CACHE/.maven.lock" mvn -B -q dependency:copy -Dartifact="$gavp" \
      -DoutputDirectory="$dest" >"$dest/mvn-$a-$v.log" 2>&1 || {
        err "$svc" "Maven could not resolve $gavp"
        log_tail "$dest/mvn-$a-$v.log" 30
        return 1
      }
  fi
  printf '%s' "$file"
}

# Joins all jars of a directory into a Java classpath.
classpath_of() {
  local dir="$1" cp="" j
  for j in "$dir"/*.jar; do cp+="${cp:+:}$j"; done
  printf '%s' "$cp"
}

# A JDK home whose major version is within [min, max] (max optional):
# JAVA_HOME's if it fits, else PATH's java, else any JDK under /usr/lib/jvm.
# Usage: java_home_for <min> [max]
java_home_for() {
  local min="$1" max="${2:-999}" cand v
  for cand in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" \
      /usr/lib/jvm/*; do
    [[ -n "$cand" && -x "$cand/bin/java" ]] || continue
    v="$("$cand/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')"
    v="${v%%.*}"
    if [[ -n "$v" ]] && (( v >= min && v <= max )); then printf '%s' "$cand"; return 0; fi
  done
  return 1
}

# Writes a service's endpoint lines to its own fragment; infra.sh merges the
# fragments of running services into $INFRA_RUN/endpoints.env.
write_endpoint_fragment() {
  local svc="$1"; shift
  printf '%s\n' "$@" >"$(run_dir "$svc")/endpoints.env"
}
