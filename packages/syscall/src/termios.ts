/*
 * The kernel's `struct termios` (asm-generic termbits, x86_64 and arm64
 * alike): c_iflag, c_oflag, c_cflag, c_lflag as u32, c_line, c_cc[19].
 */
const IFLAG = 0;
const OFLAG = 4;
const CFLAG = 8;
const LFLAG = 12;
const CC = 17;
const VTIME = 5;
const VMIN = 6;

// cfmakeraw(3)'s bits.
const RAW_IFLAG_OFF = 0o1 | 0o2 | 0o10 | 0o40 | 0o100 | 0o200 | 0o400 | 0o2000; // IGNBRK BRKINT PARMRK ISTRIP INLCR IGNCR ICRNL IXON
const OPOST = 0o1;
const RAW_LFLAG_OFF = 0o10 | 0o100 | 0o2 | 0o1 | 0o100000; // ECHO ECHONL ICANON ISIG IEXTEN
const CSIZE = 0o60;
const PARENB = 0o400;
const CS8 = 0o60;

export interface RawModeOptions {
  /**
   * A read returns after this many tenths of a second without input (0 bytes
   * read), so that a blocking reader can stop; default 0: it waits for a byte.
   */
  readonly readTimeoutTenths?: number;
}

/**
 * `cfmakeraw(3)` on settings from `Kernel.getTermios`: no echo, no line
 * editing, no signals from keys (Ctrl-C is a byte like any other), no output
 * processing, 8 bits. Returns a copy.
 */
export function makeRaw(termios: Uint8Array, opts: RawModeOptions = {}): Uint8Array {
  const raw = Uint8Array.from(termios);
  const view = new DataView(raw.buffer);
  const and = (at: number, mask: number) => view.setUint32(at, (view.getUint32(at, true) & ~mask) >>> 0, true);
  and(IFLAG, RAW_IFLAG_OFF);
  and(OFLAG, OPOST);
  and(LFLAG, RAW_LFLAG_OFF);
  and(CFLAG, CSIZE | PARENB);
  view.setUint32(CFLAG, (view.getUint32(CFLAG, true) | CS8) >>> 0, true);
  const timeout = opts.readTimeoutTenths ?? 0;
  raw[CC + VMIN] = timeout > 0 ? 0 : 1;
  raw[CC + VTIME] = timeout;
  return raw;
}
