# shellcheck shell=bash
# schemathesis: a tool, not a server. `up` makes a Python venv in the cache
# and pip-installs schemathesis at a pinned version from PyPI, once; `down`
# leaves the cached venv alone. The REST conformance suite runs it against
# Discord's OpenAPI description (third_party/discord-api-spec).

SCHEMATHESIS_VERSION="${CHAT_INFRA_SCHEMATHESIS_VERSION:-4.32.5}"

schemathesis_venv() { printf '%s/python/schemathesis-%s' "$INFRA_CACHE" "$SCHEMATHESIS_VERSION"; }
schemathesis_bin() { printf '%s/bin/schemathesis' "$(schemathesis_venv)"; }

schemathesis_up() {
  local venv t0
  venv="$(schemathesis_venv)"
  mkdir -p "$(run_dir schemathesis)"
  if [[ ! -x "$(schemathesis_bin)" ]]; then
    command -v python3 >/dev/null || { err schemathesis "python3 is not installed"; return 1; }
    say schemathesis "installing schemathesis==$SCHEMATHESIS_VERSION into $venv..."
    t0="$(now_s)"
    rm -rf "$venv"
    # The venv is built in place (its scripts name their own path); a failed install leaves nothing behind.
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"; } \
          >"$INFRA_CACHE/pip-schemathesis.log" 2>&1; then
      err schemathesis "venv or pip install failed (is python3-venv installed?)"
      log_tail "$INFRA_CACHE/pip-schemathesis.log" 20
      rm -rf "$venv"
      return 1
    fi
    say schemathesis "installed in $(( $(now_s) - t0 ))s"
  fi
  say schemathesis "ready: $("$(schemathesis_bin)" --version 2>/dev/null) at $(schemathesis_bin)"
  write_endpoint_fragment schemathesis "SCHEMATHESIS_BIN=$(schemathesis_bin)"
}

schemathesis_down() { rm -rf "$(run_dir schemathesis)"; say schemathesis "nothing to stop (venv stays cached)"; }

schemathesis_status() {
  if [[ -x "$(schemathesis_bin)" ]]; then say schemathesis "installed: $(schemathesis_bin)"; else say schemathesis "not installed"; fi
}

schemathesis_release() { :; }
