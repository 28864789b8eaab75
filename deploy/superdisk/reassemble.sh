#!/usr/bin/env bash
# Boot-time Super-Disk reassembly (run by superdisk-reassemble.service).
# Assembles the RAID0 leg and the RAID1; when the local SSDs came back blank
# (host maintenance), creates the leg again and adds it to the RAID1, which
# rebuilds it from the persistent disk. Never creates the RAID1 or a filesystem.
set -euo pipefail

SUPERDISK_LOG_TAG=superdisk-reassemble
# shellcheck source=superdisk-lib.sh
. "$(dirname "$(readlink -f "$0")")/superdisk-lib.sh"

usage() {
  cat <<'USAGE'
Usage: reassemble.sh [--conf FILE] [--ssd DEV ...] [--persistent DEV] [options]

Reads the layout written by provision.sh (default /etc/superdisk.conf); flags
and SUPERDISK_* environment override it. Assembles what exists, recreates a
lost RAID0 leg on blank SSDs (the RAID1 resyncs it from the persistent disk),
mounts the filesystem. Running it again changes nothing.

  --ssd DEV, --persistent DEV, --mount DIR, --fs xfs|ext4, --name NAME
  --conf FILE        layout file [/etc/superdisk.conf]
  --force            also erase SSDs that hold foreign data when rebuilding the leg
  --wait             wait until the rebuild finished
  -h, --help         this text

Exit codes: 0 done or nothing to do, 2 usage, 3 refused, 4 missing tool,
5 no Super-Disk found (run provision.sh first).
USAGE
}

main() {
  parse_common_args "$@"
  [[ $(id -u) == 0 ]] || die 4 "must run as root"
  need_cmd mdadm blkid mount
  [[ -n $(find_active_array "$NAME") ]] || md_name_matches "$(superblock_name "$PERSISTENT")" "$NAME" ||
    die 5 "$PERSISTENT holds no '$NAME' array; run provision.sh first"
  ensure_leg
  ensure_top 0
  ensure_fs 0
  ensure_mount
  report_state
  if [[ $CHANGED == 0 ]]; then
    log "already assembled; nothing changed"
  else
    log "reassembled ($CHANGED changes)"
  fi
}

main "$@"
