#!/bin/bash
# Build the test images from busybox-static, with no registry: busybox
# (cmd /bin/sh) and a pause image for CRI sandboxes, each as a docker-archive
# (docker load) and an oci-archive (ctr import, podman load).
#   usage: build-images.sh OUT_DIR
# Writes OUT_DIR/{busybox,pause}-{docker,oci}.tar, tagged localhost/gc-e2e-busybox:1
# and localhost/gc-e2e-pause:1; OUT_DIR/oci, an OCI image layout holding both
# (tags busybox and pause, one gzip layer); OUT_DIR/rootfs.tar, the root
# filesystem as a plain tar (docker import).
set -euo pipefail
out=$1
work=$out/build
rm -rf "$work"; mkdir -p "$work"

# The root filesystem: the static busybox and a link per applet.
root=$work/rootfs
mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,root,var}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"

# skopeo (root) always writes a blob-info cache under /var/lib/containers:
# remove what it made there, keep what was there before.
cache=/var/lib/containers/cache/blob-info-cache-v1.boltdb
if [ ! -e $cache ]; then
  trap 'rm -f $cache; rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null || true' EXIT
fi
policy=$work/policy.json
echo '{"default":[{"type":"insecureAcceptAnything"}]}' > "$policy"
skopeo_copy() { skopeo --policy "$policy" --tmpdir "$work" copy --quiet "$@"; }

oci=$work/oci
umoci init --layout "$oci"
umoci new --image "$oci:base"
umoci unpack --image "$oci:base" "$work/bundle"
rm -rf "$work/bundle/rootfs"; cp -a "$root" "$work/bundle/rootfs"
umoci repack --image "$oci:base" "$work/bundle"
env_path=PATH=/usr/sbin:/usr/bin:/sbin:/bin
umoci config --image "$oci:base" --tag busybox --config.cmd /bin/sh --config.env "$env_path"
umoci config --image "$oci:base" --tag pause --config.env "$env_path" \
  --config.entrypoint /bin/sh --config.entrypoint -c \
  --config.entrypoint 'trap "exit 0" TERM INT; sleep 2147483647 & wait'

for image in busybox pause; do
  skopeo_copy "oci:$oci:$image" "docker-archive:$out/$image-docker.tar:localhost/gc-e2e-$image:1"
  skopeo_copy "oci:$oci:$image" "oci-archive:$out/$image-oci.tar:localhost/gc-e2e-$image:1"
done
tar -C "$root" --numeric-owner -cf "$out/rootfs.tar" .
mv "$oci" "$out/oci"
rm -rf "$work"
