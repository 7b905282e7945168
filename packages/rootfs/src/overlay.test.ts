import { MNT_DETACH } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { escapeOverlayPath, mountOverlay, overlayMountData } from './overlay.js';

describe('overlay', () => {
  it('escapes the separators overlayfs splits on', () => {
    expect(escapeOverlayPath('/a:b,c\\d')).toBe('/a\\:b\\,c\\\\d');
    expect(overlayMountData({ lower: ['/l1', '/l:2'], upper: '/u,p', work: '/w' })).toBe(
      'lowerdir=/l1:/l\\:2,upperdir=/u\\,p,workdir=/w',
    );
  });

  it('mounts on the host and unmounts once', () => {
    const kernel = new FakeKernel();
    const overlay = mountOverlay(kernel, { lower: ['/l'], upper: '/u', work: '/w', target: '/m' });
    expect(kernel.callsOf('mount')).toEqual([
      { source: 'overlay', target: '/m', fstype: 'overlay', flags: 0, data: 'lowerdir=/l,upperdir=/u,workdir=/w' },
    ]);
    overlay.unmount();
    overlay.unmount();
    expect(kernel.callsOf('umount2')).toEqual([{ target: '/m', flags: MNT_DETACH }]);
  });

  it('refuses bad layers and data longer than a page', () => {
    const kernel = new FakeKernel();
    expect(() => mountOverlay(kernel, { lower: [], upper: '/u', work: '/w', target: '/m' })).toThrow(
      'overlay.lower: expected at least one lower layer directory',
    );
    expect(() => mountOverlay(kernel, { lower: ['rel'], upper: '/u', work: '/w', target: '/m' })).toThrow(
      'overlay.lower[0]: expected an absolute host path',
    );
    const lower = Array.from({ length: 100 }, (_, i) => `/var/lib/gocontainer/layers/${'x'.repeat(40)}${i}`);
    expect(() => mountOverlay(kernel, { lower, upper: '/u', work: '/w', target: '/m' })).toThrow(/at most 4095/);
    expect(kernel.callsOf('mount')).toEqual([]);
  });
});
