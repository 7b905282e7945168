#!/bin/sh
# usage: run-vm.sh GUEST-SCRIPT [ARGS...]
# Boots the cgroup v2 VM (TCG, 2 vCPU, 2 GiB), runs GUEST-SCRIPT as root as the
# last step of vm/init.sh, powers off. The guest sees the host's root read-only
# and this repository and the VM directory read-write at their host paths. The
# guest console goes to stdout; the exit status is the guest script's (99: no
# result came back). Env: GC_CGROUP2_VM_DIR, ACCEL=tcg|kvm, MEM=2G, SMP=2, VM_TIMEOUT=600.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
D=${GC_CGROUP2_VM_DIR:-$HERE/../build/vm}
D=$(cd "$D" && pwd)
[ $# -ge 1 ] || { echo "usage: run-vm.sh GUEST-SCRIPT [ARGS...]" >&2; exit 2; }
CMD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
[ -e "$D/kernel" ] || { echo "run-vm.sh: run vm/setup.sh first" >&2; exit 2; }
case ${ACCEL:-tcg} in kvm) A="-accel kvm -cpu host,-arch-capabilities" ;; *) A="-accel tcg,thread=multi -cpu max" ;; esac
rm -f "$D/out/rc" && mkdir -p "$D/out"
# Arguments travel on the kernel command line, one gcarg= each (no spaces).
ARGS=""; for a in "$@"; do ARGS="$ARGS gcarg=$a"; done
# shellcheck disable=SC2086
timeout "${VM_TIMEOUT:-600}" qemu-system-x86_64 $A -M pc -smp "${SMP:-2}" -m "${MEM:-2G}" -nographic -no-reboot -nodefaults \
  -serial mon:stdio -kernel "$D/kernel" -initrd "$D/initrd.img" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 gcinit=$HERE/init.sh gcrepo=$REPO gcvm=$D gccmd=$CMD$ARGS" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$REPO,mount_tag=repo,security_model=none,multidevs=remap" \
  -virtfs "local,path=$D,mount_tag=vm,security_model=none,multidevs=remap" </dev/null
exit "$(cat "$D/out/rc" 2>/dev/null || echo 99)"
