#!/bin/sh
# PID 1 of the throw-away test VM. "/" is the host root, read-only over 9p;
# the repository and the VM directory are mounted read-write over it.
# Kernel command line: gcrepo=DIR gcvm=DIR gccmd=SCRIPT [gcarg=ARG...]
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs shm /dev/shm
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t tmpfs run /run
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
REPO=$(arg gcrepo | head -1); VM=$(arg gcvm | head -1); CMD=$(arg gccmd | head -1)
# A checkout under /tmp or /run is hidden by the tmpfs mounted there above:
# make its mount points again (elsewhere they exist on the read-only root).
mkdir -p "$REPO" "$VM" 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 repo "$REPO"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 vm "$VM"
# A pure cgroup v2 host, as most production machines: every controller enabled
# for the children of the root.
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control; done
echo "[init] $(cut -d' ' -f1 /proc/uptime)s kernel $(uname -r), controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
export GC_CGROUP2_VM=1 GC_CGROUP2_VM_DIR="$VM"
cd "$REPO"
# shellcheck disable=SC2046
"$CMD" $(arg gcarg)
rc=$?
echo "$rc" >"$VM/out/rc"
echo "[init] guest script rc=$rc at $(cut -d' ' -f1 /proc/uptime)s"
sync; umount "$VM" "$REPO" 2>/dev/null
echo o >/proc/sysrq-trigger   # immediate power-off: qemu exits
sleep 10
