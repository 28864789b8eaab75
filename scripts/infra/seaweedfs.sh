# shellcheck shell=bash
# SeaweedFS: an S3-compatible object store (Apache-2.0; MinIO is AGPL), one
# `weed server` on loopback running master + volume + filer + S3 gateway in
# one process, with static SigV4 credentials. The `weed` binary is built
# once from the Go module proxy inside a throwaway module under the cache
# (the seaweedfs go.mod has a replace directive, so `go install pkg@version`
# refuses it); Go's module and build caches for it live under the cache too.

SEAWEEDFS_VERSION="${CHAT_INFRA_SEAWEEDFS_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}"
SEAWEEDFS_PORT="${CHAT_INFRA_SEAWEEDFS_PORT:-18333}"
SEAWEEDFS_MASTER_PORT="${CHAT_INFRA_SEAWEEDFS_MASTER_PORT:-18334}"
SEAWEEDFS_VOLUME_PORT="${CHAT_INFRA_SEAWEEDFS_VOLUME_PORT:-18335}"
SEAWEEDFS_FILER_PORT="${CHAT_INFRA_SEAWEEDFS_FILER_PORT:-18336}"
# gRPC ports (weed defaults them to HTTP port + 10000; pinned here instead).
SEAWEEDFS_MASTER_GRPC_PORT="${CHAT_INFRA_SEAWEEDFS_MASTER_GRPC_PORT:-18337}"
SEAWEEDFS_VOLUME_GRPC_PORT="${CHAT_INFRA_SEAWEEDFS_VOLUME_GRPC_PORT:-18338}"
SEAWEEDFS_FILER_GRPC_PORT="${CHAT_INFRA_SEAWEEDFS_FILER_GRPC_PORT:-18339}"
SEAWEEDFS_S3_GRPC_PORT="${CHAT_INFRA_SEAWEEDFS_S3_GRPC_PORT:-18340}"
# Static credentials of the one S3 identity (all actions), checked with SigV4.
SEAWEEDFS_ACCESS_KEY="${CHAT_INFRA_SEAWEEDFS_ACCESS_KEY:-chat-infra}"
SEAWEEDFS_SECRET_KEY="${CHAT_INFRA_SEAWEEDFS_SECRET_KEY:-chat-infra-secret}"
SEAWEEDFS_REGION=us-east-1
SEAWEEDFS_MODULE=github.com/seaweedfs/seaweedfs
SEAWEEDFS_GO="${CHAT_INFRA_GO:-$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)}"

seaweedfs_home() { printf '%s/seaweedfs' "$INFRA_CACHE"; }
seaweedfs_bin() { printf '%s/%s/weed' "$(seaweedfs_home)" "$SEAWEEDFS_VERSION"; }
seaweedfs_build_log() { printf '%s/%s/build.log' "$(seaweedfs_home)" "$SEAWEEDFS_VERSION"; }

# Runs Go with every cache of it under $INFRA_CACHE/seaweedfs/go (never the
# repo, never ~/go). -modcacherw lets `rm -rf` delete the module cache.
seaweedfs_go() {
  local g; g="$(seaweedfs_home)/go"
  GOPATH="$g/path" GOMODCACHE="$g/path/pkg/mod" GOCACHE="$g/cache" GOBIN="$g/path/bin" \
    GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED="${CGO_ENABLED:-0}" \
    "$SEAWEEDFS_GO" "$@"
}

# Prints a progress line every 30 s while process $1 runs: what it is doing
# ($2) and a measure of progress ($3, a command printing a short string).
seaweedfs_heartbeat() {
  local pid="$1" what="$2" measure="$3" t0 n=0
  t0="$(now_s)"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    n=$((n + 1))
    (( n % 30 == 0 )) && kill -0 "$pid" 2>/dev/null &&
      say seaweedfs "$what... $(( $(now_s) - t0 ))s so far ($($measure))"
  done
  return 0
}

seaweedfs_modcache_size() {
  du -sh "$(seaweedfs_home)/go/path/pkg/mod" 2>/dev/null | awk '{print $1 " of modules"}'
}

seaweedfs_packages_built() {
  # `go build -v` prints one import path per package it compiles.
  printf '%s packages compiled' "$(grep -c '^[a-z]' "$(seaweedfs_home)/$SEAWEEDFS_VERSION/build.work/build-v.log" 2>/dev/null || echo 0)"
}

# Runs one Go step in the background with a heartbeat; output to the build log.
seaweedfs_step() {
  local what="$1" measure="$2" log="$3"; shift 3
  echo "+ go $*" >>"$log"
  seaweedfs_go "$@" >>"$log" 2>&1 &
  local pid=$!
  seaweedfs_heartbeat "$pid" "$what" "$measure"
  wait "$pid"
}

seaweedfs_fetch() {
  local bin dir work log t0
  bin="$(seaweedfs_bin)"
  [[ -x "$bin" ]] && return 0
  [[ -x "$SEAWEEDFS_GO" ]] || { err seaweedfs "Go is not installed (looked for $SEAWEEDFS_GO; set CHAT_INFRA_GO)"; return 1; }
  dir="$(dirname "$bin")"
  work="$dir/build.work"
  log="$(seaweedfs_build_log)"
  rm -rf "$work" && mkdir -p "$work"
  : >"$log"
  t0="$(now_s)"
  say seaweedfs "building weed $SEAWEEDFS_VERSION from the Go module proxy (first time only; this takes several minutes; log: $log)..."
  {
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $("$SEAWEEDFS_GO" version) CGO_ENABLED=${CGO_ENABLED:-0}"
    cat <<EOF
# A throwaway module that requires seaweedfs as a tool, with seaweedfs's own
# replace directive (replace directives only apply in the main module).
EOF
  } >>"$log"
  if ! (cd "$work" && seaweedfs_go mod init chat-infra/seaweedfs-build >>"$log" 2>&1 &&
        printf '\nreplace github.com/tyler-smith/go-bip39 => github.com/cosmos/go-bip39 v1.0.0\n' >>go.mod); then
    err seaweedfs "go mod init failed"; log_tail "$log" 20; return 1
  fi
  say seaweedfs "downloading $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION and its dependencies..."
  if ! (cd "$work" && seaweedfs_step "downloading modules" seaweedfs_modcache_size "$log" \
          get -tool "$SEAWEEDFS_MODULE/weed@$SEAWEEDFS_VERSION"); then
    err seaweedfs "go get of $SEAWEEDFS_MODULE/weed@$SEAWEEDFS_VERSION failed (Go module proxy reachable?)"
    log_tail "$log" 30
    return 1
  fi
  say seaweedfs "modules downloaded in $(( $(now_s) - t0 ))s ($(seaweedfs_modcache_size)); compiling weed..."
  if ! (cd "$work" && seaweedfs_step "compiling" seaweedfs_packages_built "$work/build-v.log" \
          build -v -o "$work/weed" "$SEAWEEDFS_MODULE/weed"); then
    cat "$work/build-v.log" >>"$log"
    err seaweedfs "go build of weed failed"
    log_tail "$log" 40
    return 1
  fi
  cat "$work/build-v.log" >>"$log"
  mv "$work/weed" "$bin" && rm -rf "$work" || return 1
  say seaweedfs "built weed in $(( $(now_s) - t0 ))s: $bin ($(du -h "$bin" | awk '{print $1}'))"
}

# A SigV4-signed request to the S3 gateway with the static credentials.
# Usage: seaweedfs_s3 <method> <path> [curl args...]; prints the body.
seaweedfs_s3() {
  local method="$1" path="$2"; shift 2
  curl -sS --max-time 10 -X "$method" \
    --aws-sigv4 "aws:amz:$SEAWEEDFS_REGION:s3" --user "$SEAWEEDFS_ACCESS_KEY:$SEAWEEDFS_SECRET_KEY" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
    "$@" "http://$INFRA_HOST:$SEAWEEDFS_PORT$path"
}

# Ready: the S3 gateway answers a signed ListBuckets with S3 XML, i.e. it is
# up, reaches the filer, and checked our signature.
seaweedfs_ready() {
  seaweedfs_s3 GET / -f 2>/dev/null | grep -q '<ListAllMyBucketsResult'
}

# The whole write path works: create a bucket, put, get and delete an object,
# delete the bucket (the first write waits for the master to grow a volume).
seaweedfs_roundtrip() {
  local b="chat-infra-ready-$$-$RANDOM" body
  seaweedfs_s3 PUT "/$b" -f -o /dev/null || return 1
  if seaweedfs_s3 PUT "/$b/probe" -f -o /dev/null --data-binary 'chat-infra' &&
     body="$(seaweedfs_s3 GET "/$b/probe" -f)" && [[ "$body" == chat-infra ]]; then
    seaweedfs_s3 DELETE "/$b/probe" -f -o /dev/null
    seaweedfs_s3 DELETE "/$b" -f -o /dev/null
    return
  fi
  seaweedfs_s3 DELETE "/$b/probe" -o /dev/null 2>/dev/null
  seaweedfs_s3 DELETE "/$b" -o /dev/null 2>/dev/null
  return 1
}

seaweedfs_write_config() {
  local dir="$1"
  # The static identity the S3 gateway checks SigV4 signatures against; no
  # anonymous identity, so unsigned requests are refused (AccessDenied).
  (umask 077 && cat >"$dir/conf/s3.json" <<EOF
{
  "identities": [
    {
      "name": "chat-infra-admin",
      "credentials": [{ "accessKey": "$SEAWEEDFS_ACCESS_KEY", "secretKey": "$SEAWEEDFS_SECRET_KEY" }],
      "actions": ["Admin", "Read", "List", "Tagging", "Write"]
    }
  ]
}
EOF
  )
  # Read by the embedded master (weed -config_dir). One volume per collection
  # (each bucket is a collection; the default grows 7 at once) and no hold on
  # the first allocation of a freshly formatted master.
  cat >"$dir/conf/master.toml" <<EOF
# Written by scripts/infra/seaweedfs.sh.
[master.volume_growth]
copy_1 = 1
allocation_deferral = "0s"
EOF
}

seaweedfs_start() {
  local dir p
  dir="$(run_dir seaweedfs)"
  for p in "$SEAWEEDFS_PORT" "$SEAWEEDFS_MASTER_PORT" "$SEAWEEDFS_VOLUME_PORT" "$SEAWEEDFS_FILER_PORT" \
      "$SEAWEEDFS_MASTER_GRPC_PORT" "$SEAWEEDFS_VOLUME_GRPC_PORT" "$SEAWEEDFS_FILER_GRPC_PORT" \
      "$SEAWEEDFS_S3_GRPC_PORT"; do
    require_port_free seaweedfs "$p" || return 1
  done
  rm -rf "$dir" && mkdir -p "$dir/conf" "$dir/data" "$dir/logs"
  seaweedfs_write_config "$dir"
  say seaweedfs "starting SeaweedFS $(seaweedfs_binary_version) (S3 on $INFRA_HOST:$SEAWEEDFS_PORT)..."
  # One process: master + volume + filer + S3 gateway. Iceberg/Lance
  # catalogs off, no telemetry, no bucket auto-creation on upload (real S3
  # answers NoSuchBucket), logs to stderr (the log file).
  spawn seaweedfs "$dir/logs/weed.log" "$(seaweedfs_bin)" -logtostderr -config_dir="$dir/conf" server \
    -ip="$INFRA_HOST" -ip.bind="$INFRA_HOST" \
    -dir="$dir/data" \
    -master.port="$SEAWEEDFS_MASTER_PORT" -master.port.grpc="$SEAWEEDFS_MASTER_GRPC_PORT" \
    -master.volumeSizeLimitMB=64 -master.telemetry=false \
    -volume.port="$SEAWEEDFS_VOLUME_PORT" -volume.port.grpc="$SEAWEEDFS_VOLUME_GRPC_PORT" \
    -volume.max=100 -volume.preStopSeconds=0 \
    -filer.port="$SEAWEEDFS_FILER_PORT" -filer.port.grpc="$SEAWEEDFS_FILER_GRPC_PORT" \
    -filer.localSocket="$dir/filer.sock" \
    -s3 -s3.port="$SEAWEEDFS_PORT" -s3.port.grpc="$SEAWEEDFS_S3_GRPC_PORT" \
    -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.config="$dir/conf/s3.json" -s3.autoCreateBucket=false \
    -s3.localSocket="$dir/s3.sock"
}

seaweedfs_wait() {
  local timeout="${CHAT_INFRA_SEAWEEDFS_TIMEOUT:-90}" t0 left
  t0="$(now_s)"
  wait_until seaweedfs "$timeout" seaweedfs_ready || return 1
  left=$(( timeout - ($(now_s) - t0) ))
  wait_until seaweedfs $(( left > 10 ? left : 10 )) seaweedfs_roundtrip
}

seaweedfs_log() { printf '%s/logs/weed.log' "$(run_dir seaweedfs)"; }

# "4.53": the version of the built binary (`weed version`: "version 30GB 4.53 ...").
seaweedfs_binary_version() {
  "$(seaweedfs_bin)" version 2>/dev/null |
    awk '{for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+$/) {print $i; exit}}'
}

# The version the S3 gateway reports in its Server header ("SeaweedFS 30GB 4.53").
seaweedfs_server_version() {
  local v
  v="$(curl -sS --max-time 5 -o /dev/null -D - "http://$INFRA_HOST:$SEAWEEDFS_PORT/" 2>/dev/null |
       tr -d '\r' | sed -n 's/^[Ss]erver: SeaweedFS .* \([0-9][0-9.]*\)$/\1/p' | head -1)"
  [[ -n "$v" ]] || v="$(seaweedfs_binary_version)"
  printf '%s' "$v"
}

seaweedfs_endpoints() {
  write_endpoint_fragment seaweedfs \
    "S3_ENDPOINT=http://$INFRA_HOST:$SEAWEEDFS_PORT" \
    "S3_REGION=$SEAWEEDFS_REGION" \
    "S3_ACCESS_KEY_ID=$SEAWEEDFS_ACCESS_KEY" \
    "S3_SECRET_ACCESS_KEY=$SEAWEEDFS_SECRET_KEY" \
    "SEAWEEDFS_VERSION=$(seaweedfs_server_version)" \
    "SEAWEEDFS_MODULE_VERSION=$SEAWEEDFS_VERSION"
}

seaweedfs_version() { printf 'SeaweedFS %s (%s@%s)' "$(seaweedfs_server_version)" "$SEAWEEDFS_MODULE" "$SEAWEEDFS_VERSION"; }
