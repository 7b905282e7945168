#!/bin/sh
# One-time setup of the cgroup v2 test VM (~20 s): qemu from Debian, the Debian
# kernel package (downloaded and unpacked, never installed) and a tiny busybox
# initramfs that mounts the host's root read-only over 9p and switch_roots into
# vm/init.sh. Adapted from ../shared/recipes/cgroup2-vm. Idempotent.
# Env: GC_CGROUP2_VM_DIR (default: packages/cgroups/build/vm).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
D=${GC_CGROUP2_VM_DIR:-$HERE/../build/vm}
mkdir -p "$D" && D=$(cd "$D" && pwd)
cd "$D"
export DEBIAN_FRONTEND=noninteractive

missing=""
for p in qemu-system-x86 busybox-static cpio kmod xz-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
if [ -z "$KPKG" ]; then apt-get update -q >/dev/null; KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); fi
KV=${KPKG#linux-image-}
mkdir -p debs out
ls debs/"${KPKG}"_*.deb >/dev/null 2>&1 || (cd debs && apt-get download "$KPKG" >/dev/null 2>&1)
rm -rf k-std && dpkg-deb -x debs/"${KPKG}"_*.deb k-std

# An uncompressed ELF vmlinux boots ~2.5 s faster under TCG (qemu takes its PVH
# entry point and skips the bzImage decompression); fall back to the bzImage.
VMLINUZ=k-std/boot/vmlinuz-$KV
OFF=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$VMLINUZ" | head -1 | cut -d: -f1 || true)
rm -f vmlinux kernel
if [ -n "$OFF" ] && tail -c +$((OFF + 1)) "$VMLINUZ" | xz -dc --single-stream >vmlinux 2>/dev/null \
  && [ "$(head -c 4 vmlinux | od -An -c | tr -d ' ')" = '177ELF' ]; then
  ln -s vmlinux kernel
else
  rm -f vmlinux && ln -s "$VMLINUZ" kernel
fi

KM=$D/k-std/lib/modules/$KV/kernel
rm -rf initrd && mkdir -p initrd/bin initrd/dev initrd/proc initrd/sys initrd/newroot initrd/mod
cp /bin/busybox initrd/bin/busybox
MODS="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p"
for m in $MODS; do [ -f "$KM/$m.ko" ] && cp "$KM/$m.ko" initrd/mod/; done
cat >initrd/init <<'EOI'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p; do
  [ -f /mod/$m.ko ] && { /bin/busybox insmod /mod/$m.ko || echo "insmod $m failed"; }
done
/bin/busybox mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /newroot || { echo "9p mount failed"; /bin/busybox poweroff -f; }
INIT=$(/bin/busybox sed -n 's/.*gcinit=\([^ ]*\).*/\1/p' /proc/cmdline)
/bin/busybox umount /proc; /bin/busybox umount /dev
exec /bin/busybox switch_root /newroot "$INIT"
EOI
chmod +x initrd/init
(cd initrd && find . | cpio -o -H newc --quiet | gzip -1 >../initrd.img)
echo "$KV" >kernel-version
echo "cgroup2-vm setup done: kernel $KV ($(readlink kernel)), initrd $(wc -c <initrd.img) bytes, in $D"
