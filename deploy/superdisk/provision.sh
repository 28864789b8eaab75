#!/usr/bin/env bash
# Super-Disk provisioning for a Scylla host: md RAID0 over the local NVMe SSDs,
# md RAID1 of that leg with the network persistent disk (write-mostly), a
# filesystem on top, mounted where Scylla keeps its data. Safe to run again.
set -euo pipefail

SUPERDISK_LOG_TAG=superdisk-provision
# shellcheck source=superdisk-lib.sh
. "$(dirname "$(readlink -f "$0")")/superdisk-lib.sh"

usage() {
  cat <<'USAGE'
Usage: provision.sh --ssd DEV [--ssd DEV ...] --persistent DEV [options]

Builds the Super-Disk: RAID0 across the local SSDs, RAID1 of that RAID0 with
the persistent disk added --write-mostly, a filesystem, mounted at --mount.
Running it again on a provisioned host changes nothing.

  --ssd DEV          local NVMe SSD (repeat per SSD)      env SUPERDISK_SSDS="DEV DEV"
  --persistent DEV   network persistent disk              env SUPERDISK_PERSISTENT
  --mount DIR        mount point [/var/lib/scylla]         env SUPERDISK_MOUNT
  --fs xfs|ext4      filesystem [xfs]                     env SUPERDISK_FS
  --name NAME        md array name [superdisk]; the RAID0 leg is NAME-ssd
  --conf FILE        where the layout is recorded for reassemble.sh [/etc/superdisk.conf]
  --force            erase disks that hold a filesystem, RAID or partition table
  --wait             wait until the RAID1 finished its initial resync
  -h, --help         this text

Exit codes: 0 done or nothing to do, 2 usage, 3 refused (disk holds data or
is in use), 4 missing tool, 5 unexpected array state.
USAGE
}

main() {
  parse_common_args "$@"
  [[ $(id -u) == 0 ]] || die 4 "must run as root"
  need_cmd mdadm blkid mount "mkfs.$FS"
  log "layout: RAID0 '$LEG_NAME' over ${SSDS[*]}; RAID1 '$NAME' = leg + $PERSISTENT (write-mostly); $FS at $MOUNT"

  # Refuse early, before anything is changed, if any disk holds foreign data.
  local d
  if [[ -z $(find_active_array "$NAME") && $FORCE != 1 ]]; then
    for d in "${SSDS[@]}" "$PERSISTENT"; do
      local name sig
      name=$(superblock_name "$d")
      if md_name_matches "$name" "$LEG_NAME" || md_name_matches "$name" "$NAME"; then continue; fi
      sig=$(signatures "$d")
      [[ -z $sig ]] || die 3 "refusing to use $d: it holds data ($sig); pass --force to erase it"
    done
  fi

  ensure_leg
  ensure_top 1
  ensure_fs 1
  ensure_mount
  if id scylla >/dev/null 2>&1 && [[ $(stat -c %U "$MOUNT") != scylla ]]; then
    log "giving $MOUNT to user scylla"
    chown scylla:scylla "$MOUNT"
    CHANGED=$((CHANGED + 1))
  fi
  write_conf
  report_state
  if [[ $CHANGED == 0 ]]; then
    log "already provisioned; nothing changed"
  else
    log "provisioned ($CHANGED changes)"
  fi
}

# write_conf: records the layout for reassemble.sh (only when it differs).
write_conf() {
  local want
  want=$(printf 'SUPERDISK_SSDS="%s"\nSUPERDISK_PERSISTENT="%s"\nSUPERDISK_MOUNT="%s"\nSUPERDISK_FS="%s"\nSUPERDISK_NAME="%s"\nSUPERDISK_MOUNT_OPTS="%s"\n' \
    "${SSDS[*]}" "$PERSISTENT" "$MOUNT" "$FS" "$NAME" "$MOUNT_OPTS")
  if [[ -r $CONF && $(cat "$CONF") == "$want" ]]; then
    log "$CONF already up to date"
    return 0
  fi
  mkdir -p "$(dirname "$CONF")"
  printf '%s\n' "$want" >"$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
  log "recorded the layout in $CONF"
  CHANGED=$((CHANGED + 1))
}

main "$@"
