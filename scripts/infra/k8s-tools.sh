#!/usr/bin/env bash
# kustomize, kubeconform and yq (YAML to JSON) for the deploy/ validation
# (libs/deploy, @chat/deploy), plus
# the Kubernetes JSON schemas kubeconform checks against. Tools, not servers:
# built once with `go install` into the infra cache (like grpcurl.sh), never
# into the repository.
#
#   bash scripts/infra/k8s-tools.sh      # prints KUSTOMIZE_BIN=, KUBECONFORM_BIN=, YQ_BIN=,
#                                        # COMPOSE_CHECK_BIN=, K8S_VERSION=, K8S_SCHEMA_LOCATION=
#
# Schemas: kubeconform downloads them from GitHub by default, which this
# machine cannot reach. Kubernetes publishes its OpenAPI document in the
# k8s.io/kubernetes Go module (api/openapi-spec/swagger.json); `go mod
# download` fetches that module from the Go module proxy and
# scripts/deploy/k8s-schemas.mjs turns the document into standalone strict
# JSON schemas named the way kubeconform looks them up.
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd)"
# shellcheck source=lib.sh
source "$INFRA_DIR/lib.sh"

KUSTOMIZE_VERSION="${CHAT_INFRA_KUSTOMIZE_VERSION:-v5.8.1}"
KUBECONFORM_VERSION="${CHAT_INFRA_KUBECONFORM_VERSION:-v0.7.0}"
YQ_VERSION="${CHAT_INFRA_YQ_VERSION:-v4.54.3}"
K8S_VERSION="${CHAT_INFRA_K8S_VERSION:-1.34.4}"

# go_tool <name> <module/cmd path> <version>: prints the cached binary, building it first if needed.
go_tool() {
  local name="$1" pkg="$2" version="$3" bin gobin
  bin="$INFRA_CACHE/go/bin/$name-$version"
  if [[ ! -x "$bin" ]]; then
    command -v go >/dev/null || { err "$name" "go is not installed"; return 1; }
    gobin="$INFRA_CACHE/go/build-$name-$version"
    say "$name" "fetching $pkg@$version with go install..." >&2
    if ! (cd "$INFRA_CACHE" && GOBIN="$gobin" GOFLAGS=-mod=mod go install "$pkg@$version") >"$INFRA_CACHE/go-$name.log" 2>&1; then
      err "$name" "go install failed"
      tail -n 20 "$INFRA_CACHE/go-$name.log" >&2
      return 1
    fi
    mkdir -p "$(dirname "$bin")" && mv "$gobin/$name" "$bin" && rm -rf "$gobin"
  fi
  printf '%s' "$bin"
}

# Prints the compose-check binary (scripts/deploy/compose-check: compose-go, the loader behind
# `docker compose config`), building it when its sources changed.
compose_check() {
  local src="$REPO_ROOT/scripts/deploy/compose-check" hash bin
  hash="$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-12)"
  bin="$INFRA_CACHE/go/bin/compose-check-$hash"
  if [[ ! -x "$bin" ]]; then
    command -v go >/dev/null || { err compose-check "go is not installed"; return 1; }
    say compose-check "building (compose-go from the Go module proxy)..." >&2
    if ! (cd "$src" && go build -o "$bin" .) >"$INFRA_CACHE/go-compose-check.log" 2>&1; then
      err compose-check "go build failed"
      tail -n 20 "$INFRA_CACHE/go-compose-check.log" >&2
      return 1
    fi
  fi
  printf '%s' "$bin"
}

# Prints the schema directory template for kubeconform, generating the schemas first if needed.
k8s_schemas() {
  local root="$INFRA_CACHE/k8s-schemas" dir module
  dir="$root/v$K8S_VERSION-standalone-strict"
  if [[ ! -f "$dir/deployment-apps-v1.json" ]]; then
    say schemas "fetching k8s.io/kubernetes@v$K8S_VERSION (its OpenAPI document) with go mod download..." >&2
    module="$(cd "$INFRA_CACHE" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    node "$REPO_ROOT/scripts/deploy/k8s-schemas.mjs" "$module/api/openapi-spec/swagger.json" "$dir" >&2
  fi
  printf '%s/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json' "$root"
}

mkdir -p "$INFRA_CACHE"
exec 9>"$INFRA_CACHE/.k8s-tools.lock"
flock 9
echo "KUSTOMIZE_BIN=$(go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION")"
echo "KUBECONFORM_BIN=$(go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")"
echo "YQ_BIN=$(go_tool yq github.com/mikefarah/yq/v4 "$YQ_VERSION")"
echo "COMPOSE_CHECK_BIN=$(compose_check)"
echo "K8S_VERSION=$K8S_VERSION"
echo "K8S_SCHEMA_LOCATION=$(k8s_schemas)"
