#!/usr/bin/env bash
# Runs inside the test VM (see vm-test.sh): provisions the Super-Disk on the
# virtual disks, checks the layout, loses and rebuilds the SSD leg, measures
# read latency. Prints SUPERDISK-* lines that the host parses, and a verdict.
set -uo pipefail

SD=/superdisk
SSD0=/dev/vda SSD1=/dev/vdb PD=/dev/vdc DIRTY=/dev/vdd
MNT=/var/lib/scylla
FILES=${SUPERDISK_TEST_FILES:-32}
READS=${SUPERDISK_TEST_READS:-1000}

fail() {
  echo "SUPERDISK-VERDICT: FAIL $*"
  echo fail >/tmp/verdict
  cat /proc/mdstat
  exit 1
}
step() { echo "== [$(cut -d' ' -f1 /proc/uptime)s] $*"; }
check() { echo "SUPERDISK-CHECK $*"; }
provision() { bash "$SD/provision.sh" "$@" 2>&1; }
reassemble() { bash "$SD/reassemble.sh" 2>&1; }
pd_reads() { awk '{ print $1 }' /sys/block/vdc/stat; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
mdstat_line() { grep "^$(basename "$(readlink -f "$1")") " /proc/mdstat; }

verify_sums() {
  local label=$1 ok
  drop_caches
  ok=$(cd "$MNT" && sha256sum -c /tmp/sums 2>/dev/null | grep -c ': OK$')
  echo "SUPERDISK-CHECKSUMS $label: $ok/$FILES equal"
  [[ $ok == "$FILES" ]] || fail "checksums $label: only $ok of $FILES files equal"
}

# latency DEV: READS random 4 KiB O_DIRECT reads of DEV (same offsets for
# every DEV), one at a time; prints "reads=N p50_us=.. p90_us=.. ...".
# superdisk-randread (randread.c) times each read in-process; without it a
# dd per read is timed, which mostly measures process start-up under TCG.
latency() {
  local dev=$1 i t0 t1
  if command -v superdisk-randread >/dev/null; then
    superdisk-randread "$dev" "$READS" "$SPAN" 42
    return
  fi
  for ((i = 0; i < READS; i++)); do
    t0=${EPOCHREALTIME/./}
    dd if="$dev" of=/dev/null bs=4096 count=1 skip="${OFFSETS[i]}" iflag=direct 2>/dev/null || return 1
    t1=${EPOCHREALTIME/./}
    echo $((t1 - t0))
  done | sort -n | awk '{ v[NR] = $1; t += $1 } END {
    printf "reads=%d p50_us=%d p90_us=%d p99_us=%d mean_us=%d\n", NR, v[int(NR * 0.5) + 1], v[int(NR * 0.9) + 1], v[int(NR * 0.99) + 1], t / NR }'
}

step "refuses a disk that holds data"
mkswap "$DIRTY" >/dev/null
out=$(provision --ssd "$DIRTY" --ssd "$SSD1" --persistent "$PD" --mount "$MNT")
rc=$?
echo "$out"
[[ $rc == 3 && $out == *"refusing to use $DIRTY"* ]] || fail "provision on a disk with swap exited $rc"
[[ -z $(wipefs -n "$SSD1") && ! -e /dev/md/superdisk-ssd ]] || fail "refused run still touched $SSD1"
check "refuse-dirty: exit 3"
out=$(provision)
rc=$?
[[ $rc == 2 && $out == *Usage:* ]] || fail "provision without arguments exited $rc"
check "usage-error: exit 2"

step "provision"
provision --ssd "$SSD0" --ssd "$SSD1" --persistent "$PD" --mount "$MNT" || fail "provision exited $?"
TOP=$(readlink -f /dev/md/superdisk)
LEG=$(readlink -f /dev/md/superdisk-ssd)
[[ -b $TOP && -b $LEG ]] || fail "arrays /dev/md/superdisk and /dev/md/superdisk-ssd missing"
cat /proc/mdstat
leg_line=$(mdstat_line "$LEG")
top_line=$(mdstat_line "$TOP")
[[ $leg_line == *"raid0"*vd[ab]*vd[ab]* ]] || fail "leg is not RAID0 over vda+vdb: $leg_line"
[[ $top_line == *raid1* && $top_line == *"$(basename "$LEG")["* && $top_line == *"vdc["*"](W)"* ]] ||
  fail "top is not RAID1 of the leg + vdc(W): $top_line"
check "layout: $LEG raid0 vda+vdb; $TOP raid1 $(basename "$LEG") + vdc"
check "mdstat-write-mostly: $top_line"
detail_wm=$(mdadm --detail "$TOP" | grep '/dev/vdc')
[[ $detail_wm == *writemostly* ]] || fail "mdadm --detail shows no writemostly on vdc: $detail_wm"
check "detail-write-mostly: ${detail_wm//  / }"
fstype=$(awk -v m="$MNT" '$2 == m { print $3 }' /proc/mounts)
[[ $fstype == xfs ]] || fail "$MNT not mounted as xfs (got '$fstype')"
check "mounted: $MNT xfs"

step "second provision run changes nothing"
out=$(provision --ssd "$SSD0" --ssd "$SSD1" --persistent "$PD" --mount "$MNT")
rc=$?
echo "$out"
[[ $rc == 0 && $out == *"nothing changed"* ]] || fail "second provision run exited $rc or changed something"
check "idempotent: nothing changed"

step "initial resync"
t0=${EPOCHREALTIME%.*}
mdadm --wait "$TOP" >/dev/null 2>&1
echo "initial resync waited $((${EPOCHREALTIME%.*} - t0))s"

step "write $FILES files of 1 MiB and record checksums"
for ((i = 0; i < FILES; i++)); do
  dd if=/dev/urandom of="$MNT/f$i" bs=1M count=1 2>/dev/null || fail "writing $MNT/f$i"
done
(cd "$MNT" && sha256sum f*) >/tmp/sums
sync
verify_sums written

tool="dd"
command -v superdisk-randread >/dev/null && tool=randread
[[ $tool == randread ]] || READS=${SUPERDISK_TEST_READS:-200}
step "read latency: $READS random 4 KiB O_DIRECT reads each ($tool)"
SPAN=$(($(blockdev --getsize64 "$TOP") / 4096))
OFFSETS=()
for ((i = 0; i < READS; i++)); do OFFSETS+=($(((RANDOM * 32768 + RANDOM) % SPAN))); done
drop_caches
before=$(pd_reads)
array_lat=$(latency "$TOP") || fail "array reads failed"
pd_during_array=$(($(pd_reads) - before))
leg_lat=$(latency "$LEG") || fail "SSD leg reads failed"
pd_lat=$(latency "$PD") || fail "persistent disk reads failed"
echo "SUPERDISK-LATENCY target=array tool=$tool $array_lat"
echo "SUPERDISK-LATENCY target=ssd-leg tool=$tool $leg_lat"
echo "SUPERDISK-LATENCY target=persistent tool=$tool $pd_lat"
check "persistent-reads-during-array-reads: $pd_during_array"
[[ $pd_during_array -le 2 ]] || fail "array reads went to the write-mostly disk ($pd_during_array reads)"

step "lose the SSD leg (fail + remove)"
if ! { mdadm "$TOP" --fail "$LEG" && mdadm "$TOP" --remove "$LEG"; }; then fail "could not fail/remove $LEG"; fi
top_line=$(mdstat_line "$TOP")
echo "$top_line"; grep -A1 "^$(basename "$TOP") " /proc/mdstat
[[ $top_line != *"$(basename "$LEG")["* ]] || fail "leg still in $TOP: $top_line"
check "degraded: $top_line"
before=$(pd_reads)
verify_sums after-leg-loss
check "persistent-reads-after-leg-loss: $(($(pd_reads) - before))"

step "host maintenance: stop, the local SSDs come back blank"
umount "$MNT" || fail "umount"
mdadm --stop "$TOP" || fail "stop $TOP"
mdadm --stop "$LEG" || fail "stop $LEG"
for d in "$SSD0" "$SSD1"; do dd if=/dev/zero of="$d" bs=1M 2>/dev/null; done
sync
[[ -z $(wipefs -n "$SSD0")$(wipefs -n "$SSD1") ]] || fail "SSDs not blank after zeroing"
check "ssds-blank: yes"

step "reassemble (as superdisk-reassemble.service does at boot)"
t0=${EPOCHREALTIME%.*}
out=$(reassemble)
rc=$?
echo "$out"
[[ $rc == 0 && $out == *"creating RAID0 leg"* && $out == *"adding"* ]] || fail "reassemble exited $rc or did not rebuild the leg"
TOP=$(readlink -f /dev/md/superdisk)
LEG=$(readlink -f /dev/md/superdisk-ssd)
grep -A2 "^$(basename "$TOP") " /proc/mdstat
mdadm --wait "$TOP" >/dev/null 2>&1
resync_s=$((${EPOCHREALTIME%.*} - t0))
cat /proc/mdstat
top_line=$(mdstat_line "$TOP")
[[ $(grep -A1 "^$(basename "$TOP") " /proc/mdstat) == *"[UU]"* && $(cat "/sys/block/$(basename "$TOP")/md/sync_action") == idle ]] ||
  fail "resync did not complete: $(cat /proc/mdstat)"
[[ $top_line == *"vdc["*"](W)"* && $top_line == *"$(basename "$LEG")["* ]] || fail "after rebuild: $top_line"
recovery=$(dmesg | grep -E "md: (recovery of RAID array|$(basename "$TOP"): recovery done)" | sed 's/^\[[^]]*\] //' | tr '\n' ';')
[[ $recovery == *"recovery of RAID array $(basename "$TOP")"* && $recovery == *"recovery done"* ]] ||
  fail "kernel log shows no completed recovery of $TOP: $recovery"
echo "SUPERDISK-RESYNC: complete ${resync_s}s after reassemble started; kernel: $recovery; $top_line"
before=$(pd_reads)
verify_sums after-rebuild
check "persistent-reads-after-rebuild: $(($(pd_reads) - before))"

step "reassemble again changes nothing"
out=$(reassemble)
rc=$?
echo "$out"
[[ $rc == 0 && $out == *"nothing changed"* ]] || fail "second reassemble exited $rc or changed something"
check "reassemble-idempotent: nothing changed"

step "plain reboot: stop everything, reassemble from intact disks"
if ! { umount "$MNT" && mdadm --stop "$TOP" && mdadm --stop "$LEG"; }; then fail "stop for reboot"; fi
out=$(reassemble)
rc=$?
echo "$out"
[[ $rc == 0 && $out != *"creating"* && $out == *"assembling RAID1"* ]] || fail "reboot reassemble exited $rc or created something"
verify_sums after-reboot
check "reboot-reassemble: assembled without creating"

echo pass >/tmp/verdict
echo "SUPERDISK-VERDICT: PASS"
