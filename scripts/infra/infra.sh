#!/usr/bin/env bash
# Real servers on 127.0.0.1 for the integration tests, without Docker.
#
#   bash scripts/infra/infra.sh up     [kafka cassandra elasticsearch etcd seaweedfs grpcurl schemathesis]
#   bash scripts/infra/infra.sh down   [...]
#   bash scripts/infra/infra.sh status [...]
#   CHAT_INFRA_USER=<id> CHAT_INFRA_USER_PID=<pid> bash scripts/infra/infra.sh up|release [...]
#
# No service names = all of them. Downloads are cached in
# ${CHAT_INFRA_CACHE:-$HOME/.cache/chat-infra}; data, logs and pid files live
# in ${CHAT_INFRA_RUN:-$CACHE/run}. When `up` succeeds, $RUN/endpoints.env
# holds KEY=value lines for every running service. See docs/infra.md.
#
# Sharing: a test run sets CHAT_INFRA_USER (and CHAT_INFRA_USER_PID, the pid
# that must stay alive while it uses the servers). `up` then records it as a
# user of each service, and a service it had to start is marked "auto".
# `release` drops the user; an auto service with no live user left is
# stopped. Services brought up by hand (no CHAT_INFRA_USER) are never
# stopped by `release`, only by `down`.
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ALL_SERVICES=(kafka cassandra elasticsearch etcd seaweedfs grpcurl schemathesis)
# Tools: installed once into the cache, nothing to run or stop.
TOOLS=(grpcurl schemathesis)

# shellcheck source=lib.sh
source "$INFRA_DIR/lib.sh"
for s in "${ALL_SERVICES[@]}"; do
  # shellcheck disable=SC1090
  source "$INFRA_DIR/$s.sh"
done

usage() {
  echo "usage: $0 up|down|release|status [${ALL_SERVICES[*]}]" >&2
  echo "       $0 stop|start|restart kafka   (stop the server keeping its data; start it again on that data)" >&2
  exit 2
}

# Stops a server's process and keeps its data and registration, for a
# restart test (a broker outage); `start` brings it back on the same data.
server_stop() {
  local svc="$1"
  declare -F "${svc}_keeps_data" >/dev/null || { err "$svc" "stop/start keeping data is implemented for kafka only; use down and up"; return 1; }
  mkdir -p "$INFRA_RUN/.locks"
  exec 9>"$INFRA_RUN/.locks/$svc"
  flock 9
  stop_pid "$svc"
  say "$svc" "stopped; data kept in $(run_dir "$svc") (infra.sh start $svc brings it back)"
}

server_start() {
  local svc="$1"
  declare -F "${svc}_keeps_data" >/dev/null || { err "$svc" "stop/start keeping data is implemented for kafka only; use down and up"; return 1; }
  INFRA_KEEP_DATA=1 server_up "$svc"
}

# Default implementations for servers; the tools (grpcurl, schemathesis) override them.
# A server file defines <svc>_fetch, _start, _wait, _ready, _endpoints,
# _version and _log (and may define _down_extra to clean up more).

# Brings one server up: reuse a running one, else fetch, start, wait.
server_up() {
  local svc="$1" t0 pid
  mkdir -p "$INFRA_RUN/.locks"
  exec 9>"$INFRA_RUN/.locks/$svc"
  flock 9
  if pid="$(live_pid "$svc")"; then
    if "${svc}_ready" >/dev/null 2>&1; then
      [[ -f "$(run_dir "$svc")/endpoints.env" ]] || "${svc}_endpoints"
      say "$svc" "already running (pid $pid): $(known_version "$svc")"
      register_user "$svc" running
      return 0
    fi
    say "$svc" "process $pid exists but is not ready; restarting it"
    stop_pid "$svc"
  fi
  t0="$(now_s)"
  "${svc}_fetch" || return 1
  (( $(now_s) - t0 > 1 )) && say "$svc" "fetched in $(( $(now_s) - t0 ))s"
  t0="$(now_s)"
  if ! "${svc}_start" || ! "${svc}_wait"; then
    err "$svc" "could not start; see $("${svc}_log")"
    log_tail "$("${svc}_log")" 40
    local out; out="$(run_dir "$svc")/logs/stdout.log"
    [[ "$out" != "$("${svc}_log")" && -s "$out" ]] && log_tail "$out" 20
    stop_pid "$svc"
    return 1
  fi
  say "$svc" "ready in $(( $(now_s) - t0 ))s: $("${svc}_version")"
  "${svc}_endpoints"
  register_user "$svc" started
}

# "<service> <version>" as recorded in the service's endpoints fragment when
# it became ready (asking the server again can take seconds).
known_version() {
  local svc="$1" frag v
  frag="$(run_dir "$svc")/endpoints.env"
  v="$(sed -n 's/^[A-Z]*_VERSION=//p' "$frag" 2>/dev/null | head -1)"
  if [[ -n "$v" ]]; then printf '%s %s' "$svc" "$v"; else "${svc}_version"; fi
}

# Records CHAT_INFRA_USER as a user of a service. A service started for such
# a user is marked auto (stopped when its last user releases it); a manual
# `up` of a running service makes it permanent again.
register_user() {
  local svc="$1" how="$2" dir
  dir="$(run_dir "$svc")"
  if [[ -z "${CHAT_INFRA_USER:-}" ]]; then
    rm -f "$dir/auto"
    return 0
  fi
  mkdir -p "$dir/users"
  printf '%s' "${CHAT_INFRA_USER_PID:-$PPID}" >"$dir/users/$CHAT_INFRA_USER"
  [[ "$how" == started ]] && touch "$dir/auto"
  return 0
}

# Live users of a service (their pid still runs); removes dead ones.
live_users() {
  local dir f pid n=0
  dir="$(run_dir "$1")/users"
  [[ -d "$dir" ]] || { echo 0; return; }
  for f in "$dir"/*; do
    [[ -f "$f" ]] || continue
    pid="$(<"$f")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then n=$((n + 1)); else rm -f "$f"; fi
  done
  echo "$n"
}

# Drops CHAT_INFRA_USER from a service; stops it when it was started for a
# test run (auto) and nobody else uses it.
server_release() {
  local svc="$1" dir users
  dir="$(run_dir "$svc")"
  mkdir -p "$INFRA_RUN/.locks"
  exec 9>"$INFRA_RUN/.locks/$svc"
  flock 9
  [[ -n "${CHAT_INFRA_USER:-}" ]] && rm -f "$dir/users/$CHAT_INFRA_USER"
  users="$(live_users "$svc")"
  if [[ ! -f "$dir/auto" ]]; then
    say "$svc" "released (kept running: started by hand or not by a test run)"
  elif (( users > 0 )); then
    say "$svc" "released ($users other user(s) still using it)"
  else
    server_stop_locked "$svc"
  fi
}

server_down() {
  local svc="$1"
  mkdir -p "$INFRA_RUN/.locks"
  exec 9>"$INFRA_RUN/.locks/$svc"
  flock 9
  server_stop_locked "$svc"
}

# Stops a server and removes its data; the caller holds its lock.
server_stop_locked() {
  local svc="$1"
  stop_pid "$svc"
  if declare -F "${svc}_down_extra" >/dev/null; then "${svc}_down_extra"; fi
  if [[ -d "$(run_dir "$svc")" ]]; then
    rm -rf "$(run_dir "$svc")"
    say "$svc" "stopped; data removed"
  else
    say "$svc" "not running"
  fi
}

server_status() {
  local svc="$1" pid
  if pid="$(live_pid "$svc")"; then
    if "${svc}_ready" >/dev/null 2>&1; then
      local mode=manual; [[ -f "$(run_dir "$svc")/auto" ]] && mode="auto, $(live_users "$svc") user(s)"
      say "$svc" "running (pid $pid, $mode): $(known_version "$svc")"
    else
      say "$svc" "starting or unhealthy (pid $pid); log: $("${svc}_log")"
    fi
  else
    say "$svc" "stopped"
  fi
}

# Merges the endpoint fragments of running services into endpoints.env.
write_endpoints() {
  local out="$INFRA_RUN/endpoints.env" tmp s frag
  tmp="$(mktemp "$INFRA_RUN/.endpoints.XXXXXX")"
  {
    echo "# Written by scripts/infra/infra.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ); do not edit."
    for s in "${ALL_SERVICES[@]}"; do
      frag="$(run_dir "$s")/endpoints.env"
      [[ -f "$frag" ]] || continue
      if [[ " ${TOOLS[*]} " == *" $s "* ]] || live_pid "$s" >/dev/null; then cat "$frag"; fi
    done
  } >"$tmp"
  chmod 644 "$tmp" && mv "$tmp" "$out"
}

dispatch() {
  local action="$1" svc="$2"
  if declare -F "${svc}_${action}" >/dev/null; then "${svc}_${action}"; else "server_${action}" "$svc"; fi
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd="$1"; shift
  local services=("$@") s
  (( ${#services[@]} )) || services=("${ALL_SERVICES[@]}")
  for s in "${services[@]}"; do
    [[ " ${ALL_SERVICES[*]} " == *" $s "* ]] || { echo "unknown service: $s" >&2; usage; }
  done
  mkdir -p "$INFRA_CACHE" "$INFRA_RUN"

  case "$cmd" in
    up)
      local -A jobs=()
      local failed=() t0
      t0="$(now_s)"
      for s in "${services[@]}"; do
        ( dispatch up "$s" ) &
        jobs[$s]=$!
      done
      for s in "${services[@]}"; do
        wait "${jobs[$s]}" || failed+=("$s")
      done
      write_endpoints
      if (( ${#failed[@]} )); then
        echo "infra: FAILED to start: ${failed[*]} (logs under $INFRA_RUN)" >&2
        exit 1
      fi
      echo "infra: up in $(( $(now_s) - t0 ))s; endpoints in $INFRA_RUN/endpoints.env"
      ;;
    down|release)
      for s in "${services[@]}"; do ( dispatch "$cmd" "$s" ) & done
      wait
      write_endpoints
      ;;
    stop|start|restart)
      # Not through dispatch: <svc>_start / <svc>_stop are the servers' own hooks.
      (( $# )) || { echo "infra: $cmd needs a service name" >&2; usage; }
      for s in "${services[@]}"; do
        if [[ "$cmd" != start ]]; then server_stop "$s" || exit 1; fi
        if [[ "$cmd" != stop ]]; then server_start "$s" || exit 1; fi
      done
      write_endpoints
      ;;
    status)
      for s in "${services[@]}"; do dispatch status "$s"; done
      [[ -f "$INFRA_RUN/endpoints.env" ]] && echo "infra: endpoints: $INFRA_RUN/endpoints.env"
      ;;
    *) usage ;;
  esac
}

main "$@"
