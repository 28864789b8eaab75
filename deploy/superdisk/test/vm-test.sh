#!/usr/bin/env bash
# Tests deploy/superdisk for real inside a VM: a Debian kernel (apt-get
# download + dpkg -x, never installed) boots a small initramfs (busybox-static,
# bash, mdadm, xfsprogs, util-linux's blkid/wipefs) under qemu-system-x86_64
# -accel tcg with four virtual disks, and runs guest-test.sh. Everything
# fetched is cached outside the repo. Exits 0 only when the serial console
# shows "SUPERDISK-VERDICT: PASS" (qemu itself exits 0 either way).
set -euo pipefail

HERE=$(dirname "$(readlink -f "$0")")
SUPERDISK_DIR=$(dirname "$HERE")
CACHE=${SUPERDISK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chat-infra/superdisk}
LOG=${SUPERDISK_VM_LOG:-$CACHE/vm-test.log}
TIMEOUT=${SUPERDISK_VM_TIMEOUT:-900}
# The persistent disk is throttled to this many IOPS, so one synchronous 4 KiB
# read costs about 1/IOPS seconds: a stand-in for a network disk's latency.
PD_IOPS=${SUPERDISK_PD_IOPS:-500}
MEM=${SUPERDISK_VM_MEM:-1024}

say() { printf 'vm-test: %s\n' "$*" >&2; }
die() { printf 'vm-test: error: %s\n' "$*" >&2; exit 1; }

GUEST_PKGS=(busybox-static bash libtinfo6 mdadm xfsprogs util-linux libc6 libudev1 libblkid1 libuuid1
  libinih1 liburcu8 libsmartcols1)
QEMU_PKGS=(qemu-system-x86 qemu-system-common qemu-system-data seabios libcapstone4 libfdt1 libpmem1 librdmacm1 libibverbs1
  libslirp0 libvdeplug2 liburing2 libfuse3-3 libaio1 libndctl6 libdaxctl1 libnl-3-200 libnl-route-3-200)

# fetch DIR PKG...: apt-get download every package not yet cached, dpkg -x all into DIR.
fetch() {
  local root=$1 pkg deb
  shift
  mkdir -p "$CACHE/debs" "$root"
  for pkg in "$@"; do
    if ! compgen -G "$CACHE/debs/${pkg}_*.deb" >/dev/null; then
      say "apt-get download $pkg"
      (cd "$CACHE/debs" && apt-get download -q "$pkg" 2>&1 | grep -v -e unsandboxed -e '^Get:' >&2) ||
        [[ -n $(compgen -G "$CACHE/debs/${pkg}_*.deb") ]] || die "apt-get download $pkg failed"
    fi
    if [[ ! -e $root/.x-$pkg ]]; then
      for deb in "$CACHE/debs/${pkg}"_*.deb; do dpkg -x "$deb" "$root"; done
      touch "$root/.x-$pkg"
    fi
  done
}

kernel_package() {
  if [[ -n ${SUPERDISK_KERNEL_PKG:-} ]]; then echo "$SUPERDISK_KERNEL_PKG"; return; fi
  apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1
}

# qemu_cmd: sets QEMU (array) to a runnable qemu-system-x86_64.
qemu_cmd() {
  if command -v qemu-system-x86_64 >/dev/null 2>&1; then
    QEMU=(qemu-system-x86_64)
    return
  fi
  local root=$CACHE/qemu-root
  fetch "$root" "${QEMU_PKGS[@]}"
  QEMU=(env "LD_LIBRARY_PATH=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu"
    "QEMU_MODULE_DIR=$root/usr/lib/x86_64-linux-gnu/qemu"
    "$root/usr/bin/qemu-system-x86_64" -L "$root/usr/share/qemu" -L "$root/usr/share/seabios")
  "${QEMU[@]}" --version >/dev/null || die "the fetched qemu does not run (ldd $root/usr/bin/qemu-system-x86_64)"
}

# copy_bin STAGE ROOT PATH: copies ROOT/PATH into STAGE/PATH with its shared libraries.
copy_bin() {
  local stage=$1 root=$2 path=$3 lib
  install -D -m 0755 "$root$path" "$stage$path"
  while read -r lib; do
    [[ -n $lib ]] || continue
    [[ -e $stage/lib/x86_64-linux-gnu/$(basename "$lib") ]] && continue
    install -D -m 0755 "$(readlink -f "$lib")" "$stage/lib/x86_64-linux-gnu/$(basename "$lib")"
  done < <(LD_LIBRARY_PATH="$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" ldd "$root$path" |
    awk '/not found/ { print "MISSING " $1; next } $3 ~ /^\// { print $3 }' |
    { grep -v '^MISSING' || true; })
  if LD_LIBRARY_PATH="$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" ldd "$root$path" | grep -q 'not found'; then
    die "$path needs a library no fetched package holds: $(ldd "$root$path" | grep 'not found' | tr '\n' ' ')"
  fi
}

# build_initramfs DIR: stages and packs the initramfs in DIR (this run's own
# directory, so concurrent runs never share a half-built tree).
build_initramfs() {
  local root=$CACHE/guest-root stage=$1/initramfs out=$1/initramfs.gz kver m deps=()
  fetch "$root" "$KPKG" "${GUEST_PKGS[@]}"
  kver=$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tail -n 1)
  KERNEL=$root/boot/vmlinuz-$kver
  [[ -f $KERNEL ]] || die "no kernel in $KPKG"
  [[ -f $root/lib/modules/$kver/modules.dep ]] || "$root/bin/busybox" depmod -b "$root" "$kver"

  say "building the initramfs (kernel $kver)"
  rm -rf "$stage"
  mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,run,tmp,etc,superdisk/test,"lib/modules/$kver"}
  install -m 0755 "$root/bin/busybox" "$stage/bin/busybox"
  for m in $("$root/bin/busybox" --list); do
    [[ -e $stage/bin/$m ]] || ln -s busybox "$stage/bin/$m"
  done
  ln -sf ../../bin/busybox "$stage/usr/bin/env"
  copy_bin "$stage" "$root" /bin/bash
  ln -sf ../../bin/bash "$stage/usr/bin/bash"
  copy_bin "$stage" "$root" /sbin/mdadm
  copy_bin "$stage" "$root" /sbin/mkfs.xfs
  copy_bin "$stage" "$root" /sbin/blkid
  copy_bin "$stage" "$root" /sbin/wipefs
  for m in mdadm mkfs.xfs blkid wipefs; do ln -sf "../../sbin/$m" "$stage/usr/sbin/$m"; done
  install -m 0755 "$(readlink -f "$root/lib64/ld-linux-x86-64.so.2")" "$stage/lib64/ld-linux-x86-64.so.2"
  mkdir -p "$stage/lib/x86_64-linux-gnu"
  ln -sf ../../lib64/ld-linux-x86-64.so.2 "$stage/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"

  # Modules: the ones named in init.sh and everything they depend on.
  local want=(virtio_pci virtio_blk md-mod raid0 raid1 crc32c_generic libcrc32c xfs) todo=() seen=" "
  for m in "${want[@]}"; do
    todo+=("$(awk -F: -v n="/$m.ko" 'index($1, n) && substr($1, length($1) - length(n) + 1) == n { print $1; exit }' \
      "$root/lib/modules/$kver/modules.dep")")
  done
  while [[ ${#todo[@]} -gt 0 ]]; do
    m=${todo[0]}
    todo=("${todo[@]:1}")
    [[ -n $m && $seen != *" $m "* ]] || continue
    seen+="$m "
    install -D -m 0644 "$root/lib/modules/$kver/${m#/lib/modules/"$kver"/}" "$stage/lib/modules/$kver/${m#/lib/modules/"$kver"/}"
    read -r -a deps < <(awk -F': *' -v n="$m" '$1 == n { print $2 }' "$root/lib/modules/$kver/modules.dep")
    todo+=("${deps[@]}")
  done
  [[ $seen == *xfs.ko* && $seen == *raid1.ko* && $seen == *virtio_blk.ko* ]] || die "module closure incomplete: $seen"
  "$root/bin/busybox" depmod -b "$stage" "$kver"

  if command -v cc >/dev/null 2>&1 && cc -static -O2 -o "$stage/usr/bin/superdisk-randread" "$HERE/randread.c" 2>/dev/null; then
    say "built superdisk-randread (static) for in-VM latency timing"
  else
    say "no C compiler with a static libc: latency falls back to one dd per read (mostly process start-up under TCG)"
  fi
  install -m 0755 "$HERE/init.sh" "$stage/init"
  install -m 0755 "$HERE/guest-test.sh" "$stage/superdisk/test/guest-test.sh"
  install -m 0755 "$SUPERDISK_DIR/provision.sh" "$SUPERDISK_DIR/reassemble.sh" "$stage/superdisk/"
  install -m 0644 "$SUPERDISK_DIR/superdisk-lib.sh" "$stage/superdisk/"
  (cd "$stage" && find . -mindepth 1 | "$root/bin/busybox" cpio -o -H newc 2>/dev/null) | gzip -1 >"$out"
  rm -rf "$stage"
  say "initramfs: $(du -h "$out" | cut -f1) ($(wc -w <<<"$seen") kernel modules)"
}

# lint: shellcheck (fetched like the rest) over every script of deploy/superdisk.
lint() {
  local sc=shellcheck
  if ! command -v shellcheck >/dev/null 2>&1; then
    fetch "$CACHE/tools-root" shellcheck
    sc=$CACHE/tools-root/usr/bin/shellcheck
  fi
  (cd "$SUPERDISK_DIR" && "$sc" -x provision.sh reassemble.sh superdisk-lib.sh test/*.sh) ||
    die "shellcheck found problems in deploy/superdisk"
  say "shellcheck: clean"
}

main() {
  command -v apt-get >/dev/null || die "needs apt-get (Debian/Ubuntu) to fetch the kernel and tools"
  mkdir -p "$CACHE"
  run=$(mktemp -d "$CACHE/run.XXXXXX")
  trap 'rm -rf "$run"' EXIT
  # Downloads and unpacking go into the shared cache: one run at a time
  # (two test runs on one machine raced here on the staging tree).
  exec 9>"$CACHE/.lock"
  flock 9
  KPKG=$(kernel_package)
  [[ -n $KPKG ]] || die "apt-cache knows no linux-image-amd64 dependency; set SUPERDISK_KERNEL_PKG"
  say "kernel package $KPKG, cache $CACHE"
  lint
  qemu_cmd
  build_initramfs "$run"
  flock -u 9

  truncate -s 192M "$run/ssd0.img" "$run/ssd1.img"
  truncate -s 384M "$run/persistent.img"
  truncate -s 32M "$run/dirty.img"
  say "booting: 2 x 192 MiB 'local SSD', 384 MiB 'persistent disk' ($PD_IOPS IOPS), 32 MiB spare; log $LOG"
  local start=$SECONDS rc=0
  timeout "$TIMEOUT" "${QEMU[@]}" -accel tcg -m "$MEM" -smp 1 -nodefaults -display none -no-reboot \
    -serial stdio -monitor none \
    -kernel "$KERNEL" -initrd "$run/initramfs.gz" -append "console=ttyS0 loglevel=3 panic=-1" \
    -drive "file=$run/ssd0.img,format=raw,if=virtio" \
    -drive "file=$run/ssd1.img,format=raw,if=virtio" \
    -drive "file=$run/persistent.img,format=raw,if=virtio,throttling.iops-total=$PD_IOPS" \
    -drive "file=$run/dirty.img,format=raw,if=virtio" \
    </dev/null 2>&1 | tr -d '\r' | tee "$LOG" || rc=$?
  say "qemu finished after $((SECONDS - start))s (pipeline status $rc)"
  local verdict
  verdict=$(grep -a -m 1 '^SUPERDISK-VERDICT:' "$LOG" || true)
  grep -a -E '^SUPERDISK-(CHECK|CHECKSUMS|LATENCY|RESYNC)' "$LOG" >&2 || true
  [[ -n $verdict ]] || die "no verdict on the serial console (timeout ${TIMEOUT}s or crash); see $LOG"
  say "$verdict"
  [[ $verdict == "SUPERDISK-VERDICT: PASS" ]]
}

main "$@"
