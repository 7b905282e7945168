import { describe, expect, it } from 'vitest';
import { paxTime, paxXattrs } from './pax.js';

function record(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length += 1;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

describe('paxXattrs', () => {
  it('keeps binary values byte for byte, and reads bsdtar base64 records', () => {
    const caps = Buffer.from([0x01, 0x00, 0x00, 0x02, 0xff, 0xfe, 0x0a, 0x00]);
    const records = Buffer.concat([
      record('path', Buffer.from('usr/bin/ping')),
      record('SCHILY.xattr.security.capability', caps),
      record('LIBARCHIVE.xattr.user.a%3Db', Buffer.from(Buffer.from('v').toString('base64'))),
    ]);
    const xattrs = paxXattrs(records);
    expect([...xattrs.keys()]).toEqual(['security.capability', 'user.a=b']);
    expect(xattrs.get('security.capability')?.equals(caps)).toBe(true);
    expect(xattrs.get('user.a=b')?.toString()).toBe('v');
  });

  it('stops at a malformed record rather than reading past it', () => {
    expect(paxXattrs(Buffer.from('99 SCHILY.xattr.user.x=1\n')).size).toBe(0);
  });
});

describe('paxTime', () => {
  it('reads seconds with a fraction to the nanosecond', () => {
    expect(paxTime('1500000000.123456789')).toEqual({ sec: 1500000000, nsec: 123456789 });
    expect(paxTime('1500000000.5')).toEqual({ sec: 1500000000, nsec: 500000000 });
    expect(paxTime('-1.25')).toEqual({ sec: -2, nsec: 750000000 });
    expect(paxTime('x')).toBeUndefined();
  });
});
