# shellcheck shell=bash
# Cassandra: one node on loopback, built from org.apache.cassandra:cassandra-all
# and its runtime dependencies via Maven, run in the foreground by
# CassandraDaemon with a cassandra.yaml and logback.xml written here.

CASSANDRA_VERSION="${CHAT_INFRA_CASSANDRA_VERSION:-5.0.6}"
CASSANDRA_PORT="${CHAT_INFRA_CASSANDRA_PORT:-19042}"
CASSANDRA_STORAGE_PORT="${CHAT_INFRA_CASSANDRA_STORAGE_PORT:-17000}"
CASSANDRA_HEAP="${CHAT_INFRA_CASSANDRA_HEAP:-1g}"
# SimpleSnitch puts every node in this data centre.
CASSANDRA_DC=datacenter1

cassandra_fetch() {
  maven_classpath cassandra "$INFRA_CACHE/cassandra-$CASSANDRA_VERSION/lib" \
    "org.apache.cassandra:cassandra-all:$CASSANDRA_VERSION"
}

# Asks the node itself over CQL (with the repo's cassandra-driver) for its
# release_version; prints it. Fails while CQL is not serving queries.
cassandra_query_version() {
  local root; root="$(cd "$INFRA_DIR/../.." && pwd)"
  [[ -d "$root/node_modules/cassandra-driver" ]] || return 2
  (cd "$root" && node -e '
    const { Client } = require("cassandra-driver");
    const c = new Client({ contactPoints: [process.argv[1]], localDataCenter: process.argv[2],
      socketOptions: { connectTimeout: 3000, readTimeout: 5000 } });
    c.execute("SELECT release_version FROM system.local")
      .then((r) => { console.log(r.first().release_version); return c.shutdown(); })
      .catch((e) => { console.error(String(e)); c.shutdown().finally(() => process.exit(1)); });
  ' "$INFRA_HOST:$CASSANDRA_PORT" "$CASSANDRA_DC")
}

cassandra_ready() {
  port_open "$INFRA_HOST" "$CASSANDRA_PORT" || return 1
  local rc=0
  cassandra_query_version >/dev/null 2>&1 || rc=$?
  # Without node/cassandra-driver, an open CQL port after startup is the best we can do.
  (( rc == 0 )) || { (( rc == 2 )) && grep -q 'Startup complete' "$(cassandra_log)"; }
}

cassandra_write_config() {
  local dir="$1"
  cat >"$dir/conf/cassandra.yaml" <<EOF
# Written by scripts/infra/cassandra.sh: single node, loopback only, small.
cluster_name: chat-infra
num_tokens: 16
allocate_tokens_for_local_replication_factor: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$INFRA_HOST:$CASSANDRA_STORAGE_PORT"
listen_address: $INFRA_HOST
rpc_address: $INFRA_HOST
storage_port: $CASSANDRA_STORAGE_PORT
ssl_storage_port: $((CASSANDRA_STORAGE_PORT + 1))
start_native_transport: true
native_transport_port: $CASSANDRA_PORT
data_file_directories:
  - $dir/data/data
commitlog_directory: $dir/data/commitlog
saved_caches_directory: $dir/data/saved_caches
hints_directory: $dir/data/hints
cdc_raw_directory: $dir/data/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 8
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
disk_failure_policy: stop
commit_failure_policy: stop
key_cache_size: 16MiB
counter_cache_size: 4MiB
# Tests create and drop keyspaces and tables often; snapshots only cost time.
auto_snapshot: false
snapshot_before_compaction: false
EOF
  cat >"$dir/conf/logback.xml" <<EOF
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$dir/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE" /></root>
</configuration>
EOF
}

# JVM flags from Cassandra's jvm-server.options and jvm17-server.options.
cassandra_jvm_flags() {
  local lib="$1" flag
  printf '%s\n' "-Xms$CASSANDRA_HEAP" "-Xmx$CASSANDRA_HEAP" -Xss256k -XX:+UseG1GC \
    -XX:MaxGCPauseMillis=300 -XX:+UseThreadPriorities -XX:+HeapDumpOnOutOfMemoryError \
    -XX:+UseTLAB -XX:+ResizeTLAB -XX:+PerfDisableSharedMem -Djava.net.preferIPv4Stack=true \
    -Djdk.attach.allowAttachSelf=true -Dio.netty.tryReflectionSetAccessible=true \
    -Djava.security.manager=allow
  local jamm; jamm="$(ls "$lib"/jamm-*.jar 2>/dev/null | head -1)"
  [[ -n "$jamm" ]] && printf '%s\n' "-javaagent:$jamm"
  for flag in java.base/jdk.internal.misc java.base/jdk.internal.ref java.base/sun.nio.ch \
      java.management.rmi/com.sun.jmx.remote.internal.rmi java.rmi/sun.rmi.registry \
      java.rmi/sun.rmi.server java.sql/java.sql java.base/java.lang.ref jdk.unsupported/sun.misc; do
    printf '%s\n' --add-exports "$flag=ALL-UNNAMED"
  done
  for flag in java.base/java.lang.module java.base/jdk.internal.loader java.base/jdk.internal.ref \
      java.base/jdk.internal.reflect java.base/jdk.internal.math java.base/jdk.internal.module \
      java.base/jdk.internal.util.jar jdk.management/com.sun.management.internal \
      java.base/sun.nio.ch java.base/java.io java.base/java.nio java.base/java.util.concurrent \
      java.base/java.util java.base/java.util.concurrent.atomic java.base/java.lang \
      java.base/java.math java.base/java.lang.reflect java.base/java.net; do
    printf '%s\n' --add-opens "$flag=ALL-UNNAMED"
  done
}

cassandra_start() {
  local dir lib java flags=()
  dir="$(run_dir cassandra)"
  lib="$INFRA_CACHE/cassandra-$CASSANDRA_VERSION/lib"
  require_port_free cassandra "$CASSANDRA_PORT" || return 1
  require_port_free cassandra "$CASSANDRA_STORAGE_PORT" || return 1
  rm -rf "$dir" && mkdir -p "$dir/conf" "$dir/data" "$dir/logs"
  cassandra_write_config "$dir"
  # Cassandra 5.0 supports Java 11 and 17 only.
  java="$(java_home_for 11 17)/bin/java" || { err cassandra "needs Java 11 or 17; none found"; return 1; }
  mapfile -t flags < <(cassandra_jvm_flags "$lib")
  say cassandra "starting Cassandra $CASSANDRA_VERSION on $INFRA_HOST:$CASSANDRA_PORT..."
  spawn cassandra "$dir/logs/stdout.log" "$java" "${flags[@]}" \
    -Dcassandra-foreground=yes \
    -Dcassandra.config="file://$dir/conf/cassandra.yaml" \
    -Dcassandra.storagedir="$dir/data" \
    -Dcassandra.logdir="$dir/logs" \
    -Dlogback.configurationFile="$dir/conf/logback.xml" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra.ring_delay_ms=1000 \
    -cp "$dir/conf:$(classpath_of "$lib")" \
    org.apache.cassandra.service.CassandraDaemon
}

cassandra_wait() { wait_until cassandra "${CHAT_INFRA_CASSANDRA_TIMEOUT:-240}" cassandra_ready; }

cassandra_log() { printf '%s/logs/system.log' "$(run_dir cassandra)"; }

cassandra_server_version() {
  cassandra_query_version 2>/dev/null || printf '%s' "$CASSANDRA_VERSION"
}

cassandra_endpoints() {
  write_endpoint_fragment cassandra \
    "CASSANDRA_CONTACT_POINTS=$INFRA_HOST:$CASSANDRA_PORT" \
    "CASSANDRA_LOCAL_DC=$CASSANDRA_DC" \
    "CASSANDRA_VERSION=$(cassandra_server_version)"
}

cassandra_version() { printf 'Cassandra %s' "$(cassandra_server_version)"; }
