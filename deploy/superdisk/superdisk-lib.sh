# shellcheck shell=bash
# Shared helpers for provision.sh and reassemble.sh (sourced, never run).
#
# Arrays are found by their md superblock name, not by /dev/mdN number, so a
# host whose udev auto-assembled them as /dev/md127 is still recognised.

SUPERDISK_LOG_TAG=${SUPERDISK_LOG_TAG:-superdisk}

# log MESSAGE...: one progress line on stderr.
log() { printf '%s: %s\n' "$SUPERDISK_LOG_TAG" "$*" >&2; }

# die CODE MESSAGE...: print an error and exit with CODE.
die() {
  local code=$1
  shift
  printf '%s: error: %s\n' "$SUPERDISK_LOG_TAG" "$*" >&2
  exit "$code"
}

# need_cmd NAME...: exit 4 unless every command exists.
need_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die 4 "required command '$c' not found in PATH"
  done
}

# kname DEV: kernel name of a block device (/dev/md/x -> md127).
kname() { basename "$(readlink -f "$1")"; }

# md_name_matches FULLNAME NAME: true when an md name "host:NAME" or "NAME" is NAME.
md_name_matches() { [[ $1 == "$2" || $1 == *":$2" ]]; }

# find_active_array NAME: prints /dev/mdN of the running array named NAME, or nothing.
find_active_array() {
  local want=$1 dir dev name
  for dir in /sys/block/md*; do
    [[ -e $dir/md/array_state ]] || continue
    [[ $(cat "$dir/md/array_state") == clear || $(cat "$dir/md/array_state") == inactive ]] && continue
    dev=/dev/$(basename "$dir")
    name=$(mdadm --detail --export "$dev" 2>/dev/null | sed -n 's/^MD_NAME=//p' || true)
    if md_name_matches "$name" "$want"; then
      printf '%s\n' "$dev"
      return 0
    fi
  done
  return 0
}

# superblock_name DEV: prints the md array name stored on DEV, or nothing.
superblock_name() {
  mdadm --examine --export "$1" 2>/dev/null | sed -n 's/^MD_NAME=//p' || true
}

# signatures DEV: prints what DEV holds (filesystem, RAID, partition table), or nothing.
signatures() {
  local dev=$1 out=""
  if command -v wipefs >/dev/null 2>&1; then
    out=$(wipefs -n -i -O TYPE,OFFSET "$dev" 2>/dev/null | awk '{ printf "%s at %s, ", $1, $2 }' || true)
    out=${out%, }
  fi
  if [[ -z $out ]]; then
    out=$(blkid -p -o value -s TYPE "$dev" 2>/dev/null || true)
  fi
  if [[ -z $out ]] && mdadm --examine "$dev" >/dev/null 2>&1; then
    out="md superblock"
  fi
  printf '%s' "$out"
}

# is_member ARRAY DEV: true when DEV is a member (any state) of the running ARRAY.
is_member() { [[ -e /sys/block/$(kname "$1")/md/dev-$(kname "$2") ]]; }

# member_state ARRAY DEV: the md member state line (e.g. "in_sync,write_mostly").
member_state() { cat "/sys/block/$(kname "$1")/md/dev-$(kname "$2")/state" 2>/dev/null || true; }

# mounted_device MOUNTPOINT: prints the device mounted at MOUNTPOINT, or nothing.
mounted_device() { awk -v m="$1" '$2 == m { print $1 }' /proc/mounts | tail -n 1; }

# same_device A B: true when A and B name the same block device.
same_device() { [[ $(readlink -f "$1") == "$(readlink -f "$2")" ]]; }

# load_conf FILE: reads KEY=VALUE lines (only SUPERDISK_*), without executing the file.
load_conf() {
  local file=$1 key value
  [[ -r $file ]] || return 0
  while IFS='=' read -r key value; do
    [[ $key =~ ^SUPERDISK_[A-Z_]+$ ]] || continue
    value=${value#\"}
    value=${value%\"}
    # Environment wins over the file; the file only fills what is unset.
    if [[ -z ${!key:-} ]]; then printf -v "$key" '%s' "$value"; fi
  done <"$file"
}

# ---------------------------------------------------------------------------
# Options shared by provision.sh and reassemble.sh.
# Globals set: SSDS (array), PERSISTENT, MOUNT, FS, NAME, LEG_NAME, LEG_DEV,
# TOP_DEV, CONF, FORCE, WAIT, MOUNT_OPTS; CHANGED counts changes made.

CHANGED=0

# parse_common_args ARGS...: fills the globals from flags, environment, then CONF.
parse_common_args() {
  local ssd_args=() conf_arg=""
  FORCE=${SUPERDISK_FORCE:-0}
  WAIT=${SUPERDISK_WAIT:-0}
  while [[ $# -gt 0 ]]; do
    case $1 in
      --ssd) [[ $# -ge 2 ]] || usage_error "--ssd needs a device"; ssd_args+=("$2"); shift 2 ;;
      --persistent) [[ $# -ge 2 ]] || usage_error "--persistent needs a device"; SUPERDISK_PERSISTENT=$2; shift 2 ;;
      --mount) [[ $# -ge 2 ]] || usage_error "--mount needs a directory"; SUPERDISK_MOUNT=$2; shift 2 ;;
      --fs) [[ $# -ge 2 ]] || usage_error "--fs needs xfs or ext4"; SUPERDISK_FS=$2; shift 2 ;;
      --name) [[ $# -ge 2 ]] || usage_error "--name needs a name"; SUPERDISK_NAME=$2; shift 2 ;;
      --conf) [[ $# -ge 2 ]] || usage_error "--conf needs a file"; conf_arg=$2; shift 2 ;;
      --force) FORCE=1; shift ;;
      --wait) WAIT=1; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  if [[ ${#ssd_args[@]} -gt 0 ]]; then SUPERDISK_SSDS="${ssd_args[*]}"; fi
  CONF=${conf_arg:-${SUPERDISK_CONF:-/etc/superdisk.conf}}
  load_conf "$CONF"
  read -r -a SSDS <<<"${SUPERDISK_SSDS:-}"
  PERSISTENT=${SUPERDISK_PERSISTENT:-}
  MOUNT=${SUPERDISK_MOUNT:-/var/lib/scylla}
  FS=${SUPERDISK_FS:-xfs}
  NAME=${SUPERDISK_NAME:-superdisk}
  LEG_NAME=$NAME-ssd
  LEG_DEV=${SUPERDISK_LEG_DEV:-/dev/md/$LEG_NAME}
  TOP_DEV=${SUPERDISK_TOP_DEV:-/dev/md/$NAME}
  MOUNT_OPTS=${SUPERDISK_MOUNT_OPTS:-noatime}

  [[ ${#SSDS[@]} -ge 1 ]] || usage_error "no local SSD given (--ssd DEV, repeatable, or SUPERDISK_SSDS)"
  [[ -n $PERSISTENT ]] || usage_error "no persistent disk given (--persistent DEV or SUPERDISK_PERSISTENT)"
  [[ $FS == xfs || $FS == ext4 ]] || usage_error "--fs must be xfs or ext4, not '$FS'"
  [[ $NAME =~ ^[A-Za-z0-9_-]+$ ]] || usage_error "--name may hold letters, digits, '-' and '_' only"
  [[ $MOUNT == /* ]] || usage_error "--mount must be an absolute path, not '$MOUNT'"
  local d seen=" "
  for d in "${SSDS[@]}" "$PERSISTENT"; do
    [[ -b $d ]] || die 2 "$d is not a block device"
    [[ $seen != *" $(kname "$d") "* ]] || die 2 "$d is given twice"
    seen+="$(kname "$d") "
  done
}

# usage_error MESSAGE: prints the message and the usage, exits 2.
usage_error() {
  printf '%s: error: %s\n\n' "$SUPERDISK_LOG_TAG" "$1" >&2
  usage >&2
  exit 2
}

# check_in_use DEV: exit 3 when DEV is mounted or held by another device (and not by us).
check_in_use() {
  local dev=$1 k holders h
  k=$(kname "$dev")
  local m _rest
  while read -r m _rest; do
    if [[ $m == /dev/* && -b $m && $(kname "$m") == "$k" ]]; then
      die 3 "refusing to use $dev: it is mounted"
    fi
  done </proc/mounts
  holders=$(ls "/sys/class/block/$k/holders" 2>/dev/null || true)
  for h in $holders; do
    die 3 "refusing to use $dev: it is in use by /dev/$h"
  done
}

# claim_disk DEV OURNAME: makes DEV ready for a new array named OURNAME.
# A stale superblock of OURNAME is ours and is cleared; any other signature
# stops the script (exit 3) unless --force.
claim_disk() {
  local dev=$1 ours=$2 sig
  check_in_use "$dev"
  if md_name_matches "$(superblock_name "$dev")" "$ours"; then
    log "$dev holds a stale '$ours' superblock from an earlier array; clearing it"
    mdadm --zero-superblock "$dev"
    return 0
  fi
  sig=$(signatures "$dev")
  [[ -z $sig ]] && return 0
  if [[ $FORCE != 1 ]]; then
    die 3 "refusing to use $dev: it holds data ($sig); pass --force to erase it"
  fi
  log "--force: erasing $sig on $dev"
  mdadm --zero-superblock "$dev" >/dev/null 2>&1 || true
  if command -v wipefs >/dev/null 2>&1; then wipefs -a -q "$dev"; fi
}

# ensure_leg: the RAID0 leg over the local SSDs is running (assembled or created).
ensure_leg() {
  LEG=$(find_active_array "$LEG_NAME")
  if [[ -n $LEG ]]; then
    log "RAID0 leg '$LEG_NAME' already running as $LEG"
    return 0
  fi
  local d all_ours=1
  for d in "${SSDS[@]}"; do
    md_name_matches "$(superblock_name "$d")" "$LEG_NAME" || all_ours=0
  done
  if [[ $all_ours == 1 ]]; then
    log "assembling RAID0 leg '$LEG_NAME' from ${SSDS[*]}"
    if mdadm --assemble "$LEG_DEV" "${SSDS[@]}"; then
      LEG=$(find_active_array "$LEG_NAME")
      CHANGED=$((CHANGED + 1))
      return 0
    fi
    log "could not assemble the RAID0 leg; creating it again (its data lives on $PERSISTENT)"
  fi
  for d in "${SSDS[@]}"; do claim_disk "$d" "$LEG_NAME"; done
  local extra=()
  [[ ${#SSDS[@]} -eq 1 ]] && extra=(--force)
  log "creating RAID0 leg '$LEG_NAME' ($LEG_DEV) across ${SSDS[*]}"
  mdadm --create "$LEG_DEV" --run --level=0 --raid-devices=${#SSDS[@]} --metadata=1.2 \
    --name="$LEG_NAME" "${extra[@]}" "${SSDS[@]}"
  LEG=$(find_active_array "$LEG_NAME")
  [[ -n $LEG ]] || die 5 "created $LEG_DEV but cannot find array '$LEG_NAME' running"
  CHANGED=$((CHANGED + 1))
}

# ensure_top CREATE: the RAID1 (leg + persistent disk, write-mostly) is running
# with both members. CREATE=1 lets it create the array on blank disks.
ensure_top() {
  local create=$1 members=() d
  TOP=$(find_active_array "$NAME")
  if [[ -n $TOP ]]; then
    log "RAID1 '$NAME' already running as $TOP"
  else
    for d in "$PERSISTENT" ${LEG:+"$LEG"}; do
      if md_name_matches "$(superblock_name "$d")" "$NAME"; then members+=("$d"); fi
    done
    if [[ ${#members[@]} -gt 0 ]]; then
      log "assembling RAID1 '$NAME' from ${members[*]}"
      mdadm --assemble --run "$TOP_DEV" "${members[@]}"
    elif [[ $create == 1 ]]; then
      claim_disk "$PERSISTENT" "$NAME"
      log "creating RAID1 '$NAME' ($TOP_DEV): $LEG + $PERSISTENT (write-mostly)"
      mdadm --create "$TOP_DEV" --run --level=1 --raid-devices=2 --metadata=1.2 \
        --name="$NAME" --bitmap=internal "$LEG" --write-mostly "$PERSISTENT"
    else
      die 5 "$PERSISTENT holds no '$NAME' array; run provision.sh first"
    fi
    TOP=$(find_active_array "$NAME")
    [[ -n $TOP ]] || die 5 "cannot find array '$NAME' running after assembling it"
    CHANGED=$((CHANGED + 1))
  fi
  ensure_member "$PERSISTENT" 1
  ensure_member "$LEG" 0
}

# ensure_member DEV WRITE_MOSTLY: DEV is an active member of TOP, with the
# write-mostly flag when WRITE_MOSTLY=1. A missing leg is added, and md
# rebuilds it from the other member.
ensure_member() {
  local dev=$1 wm=$2 state flag=()
  state=$(member_state "$TOP" "$dev")
  if [[ $state == *faulty* ]]; then
    log "$dev is marked faulty in $TOP; removing it before adding it back"
    mdadm "$TOP" --remove "$dev"
    state=""
  fi
  if [[ -z $state ]]; then
    [[ $wm == 1 ]] && flag=(--write-mostly)
    claim_disk "$dev" "$NAME"
    log "adding $dev to $TOP${flag:+ (write-mostly)}; md rebuilds it from the other member"
    mdadm "$TOP" --add "${flag[@]}" "$dev"
    CHANGED=$((CHANGED + 1))
    state=$(member_state "$TOP" "$dev")
  fi
  if [[ $wm == 1 && $state != *write_mostly* ]]; then
    log "setting write-mostly on $dev in $TOP"
    echo writemostly >"/sys/block/$(kname "$TOP")/md/dev-$(kname "$dev")/state"
    CHANGED=$((CHANGED + 1))
  elif [[ $wm == 0 && $state == *write_mostly* ]]; then
    log "clearing write-mostly on $dev in $TOP (reads should go to the SSD leg)"
    printf %s -writemostly >"/sys/block/$(kname "$TOP")/md/dev-$(kname "$dev")/state"
    CHANGED=$((CHANGED + 1))
  fi
}

# ensure_fs CREATE: TOP holds a $FS filesystem (made when CREATE=1 and blank).
ensure_fs() {
  local create=$1 type
  type=$(blkid -p -o value -s TYPE "$TOP" 2>/dev/null || true)
  if [[ -z $type ]]; then
    [[ $create == 1 ]] || die 5 "$TOP holds no filesystem; run provision.sh first"
    log "making a $FS filesystem on $TOP"
    case $FS in
      xfs) mkfs.xfs -q "$TOP" ;;
      ext4) mkfs.ext4 -q "$TOP" ;;
    esac
    CHANGED=$((CHANGED + 1))
  elif [[ $type != "$FS" ]]; then
    die 3 "$TOP holds a $type filesystem, expected $FS; not touching it"
  else
    log "$TOP already holds $FS"
  fi
}

# ensure_mount: TOP is mounted at MOUNT.
ensure_mount() {
  local cur
  cur=$(mounted_device "$MOUNT")
  if [[ -n $cur ]]; then
    if [[ -b $cur ]] && same_device "$cur" "$TOP"; then
      log "$TOP already mounted at $MOUNT"
      return 0
    fi
    die 3 "$MOUNT already has $cur mounted; not mounting $TOP over it"
  fi
  mkdir -p "$MOUNT"
  log "mounting $TOP at $MOUNT ($MOUNT_OPTS)"
  mount -o "$MOUNT_OPTS" "$TOP" "$MOUNT"
  CHANGED=$((CHANGED + 1))
}

# report_state: one line per array from /proc/mdstat, and the resync progress.
report_state() {
  local line
  while IFS= read -r line; do
    case $line in
      "$(kname "$TOP") "* | "$(kname "$LEG") "* | *recovery* | *resync*) log "mdstat: ${line## }" ;;
    esac
  done </proc/mdstat
  if [[ $WAIT == 1 ]]; then
    log "waiting for $TOP to finish resyncing"
    mdadm --wait "$TOP" || true
    log "$TOP in sync"
  fi
}
