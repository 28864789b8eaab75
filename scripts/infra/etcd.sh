# shellcheck shell=bash
# etcd: one member on a loopback client port, data in a throwaway dir. The
# binary comes from Debian (package etcd-server) when `etcd` is not on PATH.

ETCD_PORT="${CHAT_INFRA_ETCD_PORT:-12379}"
ETCD_PEER_PORT="${CHAT_INFRA_ETCD_PEER_PORT:-12380}"

etcd_bin() { command -v etcd 2>/dev/null || true; }

etcd_fetch() {
  [[ -n "$(etcd_bin)" ]] && return 0
  say etcd "fetching etcd-server with apt-get..."
  local log="$INFRA_CACHE/apt-etcd.log"
  if ! { apt-get -o DPkg::Lock::Timeout=120 install -y etcd-server >"$log" 2>&1 ||
         { apt-get update >>"$log" 2>&1 &&
           apt-get -o DPkg::Lock::Timeout=120 install -y etcd-server >>"$log" 2>&1; }; }; then
    err etcd "apt-get install etcd-server failed (needs root and Debian's package lists)"
    log_tail "$log" 20
    return 1
  fi
  [[ -n "$(etcd_bin)" ]]
}

etcd_ready() {
  curl -fsS "http://$INFRA_HOST:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'
}

# Server version as etcd reports it over HTTP (falls back to the binary's).
etcd_server_version() {
  local v
  v="$(curl -fsS "http://$INFRA_HOST:$ETCD_PORT/version" 2>/dev/null |
       sed -n 's/.*"etcdserver":"\([^"]*\)".*/\1/p')"
  [[ -n "$v" ]] || v="$("$(etcd_bin)" --version 2>/dev/null | awk '/etcd Version/ {print $3}')"
  printf '%s' "$v"
}

etcd_start() {
  local dir
  dir="$(run_dir etcd)"
  require_port_free etcd "$ETCD_PORT" || return 1
  require_port_free etcd "$ETCD_PEER_PORT" || return 1
  rm -rf "$dir" && mkdir -p "$dir/data" "$dir/logs"
  say etcd "starting etcd on $INFRA_HOST:$ETCD_PORT..."
  spawn etcd "$dir/logs/etcd.log" "$(etcd_bin)" --name chat-infra \
    --data-dir "$dir/data" \
    --listen-client-urls "http://$INFRA_HOST:$ETCD_PORT" \
    --advertise-client-urls "http://$INFRA_HOST:$ETCD_PORT" \
    --listen-peer-urls "http://$INFRA_HOST:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://$INFRA_HOST:$ETCD_PEER_PORT" \
    --initial-cluster "chat-infra=http://$INFRA_HOST:$ETCD_PEER_PORT" \
    --initial-cluster-state new
}

etcd_wait() { wait_until etcd "${CHAT_INFRA_ETCD_TIMEOUT:-30}" etcd_ready; }

etcd_log() { printf '%s/logs/etcd.log' "$(run_dir etcd)"; }

etcd_endpoints() {
  write_endpoint_fragment etcd \
    "ETCD_ENDPOINTS=http://$INFRA_HOST:$ETCD_PORT" \
    "ETCD_VERSION=$(etcd_server_version)"
}

etcd_version() { printf 'etcd %s' "$(etcd_server_version)"; }
