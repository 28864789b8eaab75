# shellcheck shell=bash
# Kafka: one KRaft node (broker + controller in one JVM), built from the
# org.apache.kafka:kafka_2.13 jar and its runtime dependencies via Maven.

KAFKA_VERSION="${CHAT_INFRA_KAFKA_VERSION:-4.1.1}"
KAFKA_PORT="${CHAT_INFRA_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${CHAT_INFRA_KAFKA_CONTROLLER_PORT:-19093}"
# log4j2 2.24 matches what kafka 4.1 itself depends on; slf4j 2 + its log4j2
# binding are what the Kafka distribution ships so broker logs are not lost.
KAFKA_LOG4J_VERSION=2.24.3
KAFKA_SLF4J_VERSION=2.0.17

kafka_fetch() {
  maven_classpath kafka "$INFRA_CACHE/kafka-$KAFKA_VERSION/lib" \
    "org.apache.kafka:kafka_2.13:$KAFKA_VERSION" \
    "org.slf4j:slf4j-api:$KAFKA_SLF4J_VERSION" \
    "org.apache.logging.log4j:log4j-slf4j2-impl:$KAFKA_LOG4J_VERSION"
}

kafka_ready() {
  port_open "$INFRA_HOST" "$KAFKA_PORT" &&
    grep -q 'Kafka Server started' "$(run_dir kafka)/logs/server.log"
}

kafka_write_config() {
  local dir="$1"
  cat >"$dir/server.properties" <<EOF
# Written by scripts/infra/kafka.sh: single-node KRaft, loopback only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$INFRA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$INFRA_HOST:$KAFKA_PORT,CONTROLLER://$INFRA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$INFRA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
  cat >"$dir/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $dir/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
EOF
}

kafka_start() {
  local dir cp java cluster_id
  dir="$(run_dir kafka)"
  require_port_free kafka "$KAFKA_PORT" || return 1
  require_port_free kafka "$KAFKA_CONTROLLER_PORT" || return 1
  cp="$(classpath_of "$INFRA_CACHE/kafka-$KAFKA_VERSION/lib")"
  java="$(java_home_for 17)/bin/java" || { err kafka "needs Java 17+; none found"; return 1; }
  if [[ "${INFRA_KEEP_DATA:-0}" == 1 && -f "$dir/data/meta.properties" ]]; then
    # `infra.sh start kafka` after `infra.sh stop kafka`: the same log dirs, topics and offsets.
    mv -f "$dir/logs/server.log" "$dir/logs/server.log.1" 2>/dev/null || true
    say kafka "restarting on the data kept in $dir/data"
  else
    rm -rf "$dir" && mkdir -p "$dir/data" "$dir/logs"
    kafka_write_config "$dir"
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    if ! "$java" -Xmx256m -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" \
        kafka.tools.StorageTool format --cluster-id="$cluster_id" --config="$dir/server.properties" \
        >"$dir/logs/format.log" 2>&1; then
      err kafka "storage format failed"
      log_tail "$dir/logs/format.log"
      return 1
    fi
  fi
  say kafka "starting Kafka $KAFKA_VERSION (KRaft) on $INFRA_HOST:$KAFKA_PORT..."
  spawn kafka "$dir/logs/stdout.log" "$java" -Xms256m -Xmx512m -XX:+UseG1GC \
    -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir/logs" \
    -cp "$cp" kafka.Kafka "$dir/server.properties"
}

kafka_wait() { wait_until kafka "${CHAT_INFRA_KAFKA_TIMEOUT:-120}" kafka_ready; }

kafka_log() { printf '%s/logs/server.log' "$(run_dir kafka)"; }

kafka_endpoints() {
  write_endpoint_fragment kafka \
    "KAFKA_BROKERS=$INFRA_HOST:$KAFKA_PORT" \
    "KAFKA_VERSION=$KAFKA_VERSION"
}

kafka_version() { printf 'Kafka %s' "$KAFKA_VERSION"; }

# Kafka can be stopped and started again on its data (infra.sh stop/start kafka).
kafka_keeps_data() { :; }
