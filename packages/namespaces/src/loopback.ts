import {
  AF_INET,
  IFF_LOOPBACK,
  IFF_RUNNING,
  IFF_UP,
  IFNAMSIZ,
  IFREQ_SIZE,
  type OpRef,
  type ProgramScope,
  SIOCSIFFLAGS,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
} from '@gc/syscall';
import { PKG } from './pkg.js';

/**
 * Plan bringing `lo` up in the container's new network namespace (it starts
 * down): the SIOCSIFFLAGS ioctl `ip link set lo up` makes, on a throwaway
 * socket. Plan it after the namespace ops, while the host's view of /proc no
 * longer matters: it needs no file at all.
 */
export function planLoopbackUp(program: ProgramScope): OpRef {
  const p = program.scope(PKG);
  const name = new Uint8Array(IFNAMSIZ);
  name.set(new TextEncoder().encode('lo'));
  // struct ifreq: char ifr_name[16], then a union whose ifr_flags is a short; 40 bytes on 64-bit.
  const ifreq = p.struct(
    [
      { name: 'ifr_name', type: 'bytes', value: name },
      { name: 'ifr_flags', type: 'u16', value: IFF_UP | IFF_LOOPBACK | IFF_RUNNING },
    ],
    { size: IFREQ_SIZE },
  );
  const sock = p.syscall('socket', [AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0], 'open a socket to configure lo');
  const up = p.syscall('ioctl', [sock, SIOCSIFFLAGS, ifreq], 'bring lo up');
  p.syscall('close', [sock], 'close the lo socket');
  return up;
}
