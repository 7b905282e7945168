import type { LinuxDeviceCgroup } from '@gc/cgroups';
import type { Spec } from './spec.js';

const rwm = (major: number, minor?: number): LinuxDeviceCgroup => ({
  allow: true,
  type: 'c',
  major,
  ...(minor !== undefined ? { minor } : {}),
  access: 'rwm',
});

/**
 * The device rules runc adds after a config's own `linux.resources.devices`
 * (its specconv `AllowedDevices`): mknod of any node, /dev/null, random,
 * full, tty, zero, urandom, the pts devices, ptmx and /dev/net/tun. Without
 * them the default deny-all of `runc spec` would refuse the nodes every
 * container's /dev gets.
 */
export const RUNC_ALLOWED_DEVICES: readonly LinuxDeviceCgroup[] = [
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  rwm(1, 3),
  rwm(1, 8),
  rwm(1, 7),
  rwm(5, 0),
  rwm(1, 5),
  rwm(1, 9),
  rwm(136),
  rwm(5, 2),
  rwm(10, 200),
];

/**
 * The device rules a container of the OCI runtime gets, as runc computes
 * them: the config's, then RUNC_ALLOWED_DEVICES, then an `rwm` rule for each
 * node of `linux.devices`. Last match wins, so these allow what the
 * config's own rules would deny.
 */
export function runcDeviceRules(spec: Spec): LinuxDeviceCgroup[] {
  const own = spec.linux?.resources?.devices ?? [];
  const nodes = (spec.linux?.devices ?? [])
    .filter((d) => d.type !== 'p' && d.major !== undefined && d.minor !== undefined)
    .map(
      (d): LinuxDeviceCgroup => ({
        allow: true,
        type: d.type === 'b' ? 'b' : 'c',
        major: d.major as number,
        minor: d.minor as number,
        access: 'rwm',
      }),
    );
  return [...own, ...RUNC_ALLOWED_DEVICES, ...nodes];
}
