#!/bin/sh
# /init of the Super-Disk test VM (busybox sh): mounts the kernel
# filesystems, loads the virtio and md modules, runs guest-test.sh, powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /run /tmp /var/lib /etc
mount -t tmpfs tmpfs /run
# bash process substitution needs /dev/fd; devtmpfs does not make it.
ln -s /proc/self/fd /dev/fd
verdict() { echo "SUPERDISK-VERDICT: FAIL $*"; sync; poweroff -f; }
# crc32c_generic must be in before xfs; libcrc32c asks for "crc32c".
for m in virtio_pci virtio_blk md-mod raid0 raid1 crc32c_generic libcrc32c xfs; do
  modprobe "$m" || verdict "modprobe $m failed"
done
i=0
while [ ! -b /dev/vdd ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
[ -b /dev/vdd ] || verdict "virtual disks did not appear (ls /dev: $(echo /dev/*))"
# Let md resync at full speed even while the test reads and writes.
echo 100000 > /proc/sys/dev/raid/speed_limit_min
/usr/bin/bash /superdisk/test/guest-test.sh
rc=$?
[ -e /tmp/verdict ] || echo "SUPERDISK-VERDICT: FAIL guest-test.sh exited $rc without a verdict"
sync
poweroff -f
