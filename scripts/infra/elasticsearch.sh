# shellcheck shell=bash
# Elasticsearch: one node, single-node discovery, security off, from the
# org.elasticsearch.distribution.integ-test-zip zip (fetched with Maven; it
# ships no JDK, so it runs on a Java 21+ found here, e.g. Temurin 25).
#
# Elasticsearch refuses to run as root. As root we create a system user
# (CHAT_INFRA_ES_USER, default chatinfra) and run it as that user. When that
# user cannot reach the cache (e.g. it lies under /root, mode 700), the
# unpacked distribution and the node's config/data/logs live under
# CHAT_INFRA_ES_BASE (default /var/lib/chat-infra) instead; pid file,
# console log and endpoints stay in $RUN/elasticsearch as for every service.

ES_VERSION="${CHAT_INFRA_ELASTICSEARCH_VERSION:-9.2.0}"
ES_PORT="${CHAT_INFRA_ELASTICSEARCH_PORT:-19200}"
ES_TRANSPORT_PORT="${CHAT_INFRA_ELASTICSEARCH_TRANSPORT_PORT:-19300}"
ES_HEAP="${CHAT_INFRA_ELASTICSEARCH_HEAP:-512m}"
ES_USER="${CHAT_INFRA_ES_USER:-chatinfra}"
ES_BASE="${CHAT_INFRA_ES_BASE:-/var/lib/chat-infra}"

es_as_root() { [[ "$(id -u)" == 0 ]]; }

# Runs a command as the Elasticsearch user (or as ourselves when not root).
es_run_as() {
  if es_as_root; then
    setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups -- "$@"
  else
    "$@"
  fi
}

es_ensure_user() {
  es_as_root || return 0
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  say elasticsearch "creating system user $ES_USER (Elasticsearch refuses to run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$ES_USER" 2>/dev/null || id -u "$ES_USER" >/dev/null
}

# Where the unpacked distribution and the node's own files live. Prints
# "<home> <state-dir>".
es_paths() {
  local home="$INFRA_CACHE/elasticsearch-$ES_VERSION" state key
  state="$(run_dir elasticsearch)/node"
  if es_as_root && ! es_run_as test -x "$INFRA_CACHE" 2>/dev/null; then
    key="$(printf '%s' "$INFRA_RUN" | cksum | cut -d' ' -f1)"
    home="$ES_BASE/elasticsearch-$ES_VERSION"
    state="$ES_BASE/run-$key/elasticsearch"
  fi
  printf '%s %s' "$home" "$state"
}

elasticsearch_fetch() {
  local zip home state
  es_ensure_user || { err elasticsearch "could not create user $ES_USER"; return 1; }
  read -r home state <<<"$(es_paths)"
  [[ -x "$home/bin/elasticsearch" ]] && return 0
  zip="$(maven_artifact elasticsearch \
    "org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip")" || return 1
  say elasticsearch "unpacking $(basename "$zip") into $home..."
  rm -rf "$home.work" && mkdir -p "$home.work"
  unzip -q "$zip" -d "$home.work" || { err elasticsearch "unzip failed"; return 1; }
  mv "$home.work/elasticsearch-$ES_VERSION" "$home" && rm -rf "$home.work"
  # The node only reads its distribution; make sure the ES user can.
  es_as_root && chmod -R a+rX "$home"
  return 0
}

elasticsearch_ready() {
  curl -fsS "http://$INFRA_HOST:$ES_PORT/_cluster/health?timeout=1s" 2>/dev/null |
    grep -Eq '"status":"(yellow|green)"'
}

es_server_version() {
  # The integ-test distribution has no "GET /" info endpoint; ask _cat.
  curl -fsS "http://$INFRA_HOST:$ES_PORT/_cat/nodes?h=version" 2>/dev/null | head -1 | tr -d ' \r\n'
}

elasticsearch_start() {
  local home state java
  read -r home state <<<"$(es_paths)"
  require_port_free elasticsearch "$ES_PORT" || return 1
  require_port_free elasticsearch "$ES_TRANSPORT_PORT" || return 1
  java="$(java_home_for 21)" || { err elasticsearch "needs Java 21+; none found"; return 1; }
  rm -rf "$(run_dir elasticsearch)" "$state"
  mkdir -p "$(run_dir elasticsearch)/logs" "$state/data" "$state/logs" "$state/tmp"
  cp -r "$home/config" "$state/config"
  cat >"$state/config/elasticsearch.yml" <<EOF
# Written by scripts/infra/elasticsearch.sh: one node, loopback, no security.
cluster.name: chat-infra
node.name: chat-infra-es
network.host: $INFRA_HOST
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
path.data: $state/data
path.logs: $state/logs
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  local as_user=()
  if es_as_root; then
    chown -R "$ES_USER:$ES_USER" "$state"
    [[ "$state" == "$ES_BASE"/* ]] && chmod 755 "$ES_BASE" "$(dirname "$state")"
    as_user=(setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups --)
  fi
  say elasticsearch "starting Elasticsearch $ES_VERSION on http://$INFRA_HOST:$ES_PORT (java $java)..."
  spawn elasticsearch "$(run_dir elasticsearch)/logs/stdout.log" \
    env ES_JAVA_HOME="$java" ES_PATH_CONF="$state/config" ES_TMPDIR="$state/tmp" \
    ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
    "${as_user[@]}" "$home/bin/elasticsearch"
}

elasticsearch_wait() { wait_until elasticsearch "${CHAT_INFRA_ELASTICSEARCH_TIMEOUT:-180}" elasticsearch_ready; }

elasticsearch_log() {
  local home state
  read -r home state <<<"$(es_paths)"
  printf '%s/logs/chat-infra.log' "$state"
}

elasticsearch_down_extra() {
  local home state
  read -r home state <<<"$(es_paths)"
  rm -rf "$state"
}

elasticsearch_endpoints() {
  write_endpoint_fragment elasticsearch \
    "ELASTICSEARCH_URL=http://$INFRA_HOST:$ES_PORT" \
    "ELASTICSEARCH_VERSION=$(es_server_version)"
}

elasticsearch_version() { printf 'Elasticsearch %s' "$(es_server_version)"; }
