#!/bin/bash
# Remove everything an e2e engine left, however it ended: what runs from DIR
# (daemons, shims, conmon, clients: their command lines name DIR), the
# containers in the cgroup tree CGROUP (relative to each hierarchy's root),
# the mounts under DIR, the engines' sockets outside DIR, and DIR itself.
# Touches nothing else: /run dirs the engines make regardless are removed only
# when empty.
#   usage: sweep.sh DIR CGROUP
set -uo pipefail
exec </dev/null
if [ $# -eq 2 ]; then
  # This script's own command line names DIR: run on without arguments, so
  # that the scan below cannot match it.
  GC_SWEEP_DIR=$1 GC_SWEEP_CGROUP=$2 exec "$0"
fi
dir=${GC_SWEEP_DIR:?usage: sweep.sh DIR CGROUP}
cgroup=${GC_SWEEP_CGROUP:?usage: sweep.sh DIR CGROUP}
case $dir in /tmp/?*) ;; *) echo "sweep.sh: refusing $dir (not under /tmp)" >&2; exit 2 ;; esac
case $cgroup in ''|/*|*..*) echo "sweep.sh: bad cgroup path '$cgroup' (relative, no ..)" >&2; exit 2 ;; esac

# This script and its callers (a `timeout sweep.sh DIR ...`) are spared.
spared=" $$ "
p=$$
while [ "$p" -gt 1 ] && p=$(sed -E 's/^.*\) . ([0-9]+) .*$/\1/' "/proc/$p/stat" 2>/dev/null); do spared+="$p "; done
ours() { # pids whose command line names $dir
  local p
  for p in /proc/[0-9]*; do
    [[ $spared == *" ${p#/proc/} "* ]] && continue
    grep -qsF -- "$dir" "$p/cmdline" 2>/dev/null && echo "${p#/proc/}"
  done
}
in_cgroups() { # pids in the cgroup tree, in any hierarchy
  find /sys/fs/cgroup/*/"$cgroup" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# The shims' sockets live under /run/containerd/s; their bundles say which.
sockets=$(find "$dir" -path '*/io.containerd.runtime.v2.task/*/address' -exec awk 1 {} + 2>/dev/null | sed -n 's|^unix://||p')

for round in 1 2 3 4 5 6 7 8 9 10; do
  pids="$(ours) $(in_cgroups)"
  [ -z "${pids// /}" ] && break
  kill -KILL $pids 2>/dev/null
  # A frozen task dies only once thawed.
  find /sys/fs/cgroup/freezer/"$cgroup" -name freezer.state -exec sh -c 'for f; do echo THAWED > "$f"; done' sh {} + 2>/dev/null
  sleep 0.2
done

# Deepest mounts first; lazily, in case something still holds one.
grep -F " $dir" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
  case $m in "$dir"/*|"$dir") umount -l "$m" 2>/dev/null ;; esac
done

for h in /sys/fs/cgroup/*/; do
  [ -d "$h$cgroup" ] && find "$h$cgroup" -depth -type d -exec rmdir {} \; 2>/dev/null
done

for s in $sockets; do case $s in /run/containerd/s/*) rm -f "$s" ;; esac; done
rmdir /run/containerd/s /run/containerd/fifo /run/containerd /run/docker/plugins /run/docker \
  /run/containers/networks /run/containers 2>/dev/null

rm -rf "$dir"
left=$(grep -cF " $dir" /proc/self/mountinfo)
[ -e "$dir" ] && { echo "sweep.sh: could not remove $dir ($left mounts left)" >&2; exit 1; }
exit 0
