#!/usr/bin/env bash
# Install everything gocontainer needs on a fresh Debian 12 with Node 20, as
# root, and build it: apt packages, pnpm, node modules, the native executor.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(gcc make libc6-dev busybox-static runc crun hyperfine procps tmux qemu-system-x86 cpio kmod xz-utils
  containerd docker.io podman conmon skopeo umoci docker-registry zstd apache2-utils
  golang-github-opencontainers-image-spec-dev)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  # The engines (containerd, dockerd) are started by the e2e tests, each with
  # its state in a temp dir: their packages must not start them as services.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# ... nor at boot, nor now if something started them (on a host with systemd).
if [ -d /run/systemd/system ]; then
  systemctl disable --now docker.socket docker.service containerd.service >/dev/null 2>&1 || true
fi

# corepack's signature check fails on these machines: install pnpm with npm.
PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  npm install -g --silent "pnpm@$PNPM_VERSION"
fi

pnpm install --frozen-lockfile --reporter=append-only
pnpm run build

# `gocontainer` on the PATH, pointing at this checkout's build.
ln -sf "$PWD/apps/cli/bin/gocontainer.cjs" /usr/local/bin/gocontainer
