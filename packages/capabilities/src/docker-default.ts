/**
 * Docker's default capabilities (moby `oci/caps/defaults.go`), in its order:
 * what a container gets without `--cap-add`, `--cap-drop` or `--privileged`.
 * As a mask this is 0x00000000a80425fb, what `grep CapBnd /proc/self/status`
 * shows in a default Docker container.
 */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = Object.freeze([
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
]);
