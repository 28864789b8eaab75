# shellcheck shell=bash
# grpcurl: a tool, not a server. `up` builds it once with `go install` into
# the cache's GOBIN; `down` leaves the cached binary alone.

GRPCURL_VERSION="${CHAT_INFRA_GRPCURL_VERSION:-v1.9.4}"

grpcurl_bin() { printf '%s/go/bin/grpcurl-%s' "$INFRA_CACHE" "$GRPCURL_VERSION"; }

grpcurl_up() {
  local bin gobin t0
  bin="$(grpcurl_bin)"
  mkdir -p "$(run_dir grpcurl)"
  if [[ ! -x "$bin" ]]; then
    command -v go >/dev/null || { err grpcurl "go is not installed"; return 1; }
    gobin="$INFRA_CACHE/go/build-$GRPCURL_VERSION"
    say grpcurl "fetching github.com/fullstorydev/grpcurl@$GRPCURL_VERSION with go install..."
    t0="$(now_s)"
    if ! (cd "$INFRA_CACHE" && GOBIN="$gobin" GOFLAGS=-mod=mod \
          go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION") \
          >"$INFRA_CACHE/go-grpcurl.log" 2>&1; then
      err grpcurl "go install failed"
      log_tail "$INFRA_CACHE/go-grpcurl.log" 20
      return 1
    fi
    mkdir -p "$(dirname "$bin")" && mv "$gobin/grpcurl" "$bin" && rm -rf "$gobin" || return 1
    say grpcurl "built in $(( $(now_s) - t0 ))s"
  fi
  say grpcurl "ready: grpcurl $GRPCURL_VERSION at $bin"
  write_endpoint_fragment grpcurl "GRPCURL_BIN=$bin"
}

grpcurl_down() { rm -rf "$(run_dir grpcurl)"; say grpcurl "nothing to stop (binary stays cached)"; }

grpcurl_status() {
  if [[ -x "$(grpcurl_bin)" ]]; then say grpcurl "installed: $(grpcurl_bin)"; else say grpcurl "not installed"; fi
}

grpcurl_release() { :; }
