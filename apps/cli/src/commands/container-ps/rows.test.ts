import { type ContainerNow, type ContainerRecord, liveState, ZERO_TIME } from '@gc/engine';
import { describe, expect, it } from 'vitest';
import { ellipsis, psRow, templateHeader } from './rows.js';

const record = {
  id: `3f2a${'0'.repeat(60)}`,
  name: 'web',
  created: '2026-12-01T19:20:00.000000000Z',
  image: 'busybox',
  path: 'httpd',
  args: ['-f', '-p', '8080', '-h', '/var/www'],
  config: { labels: { tier: 'front' } },
  hostConfig: { networkMode: 'none' },
} as unknown as ContainerRecord;

describe("docker ps's columns", () => {
  const now = Date.parse('2026-12-01T19:30:00Z');
  const state = liveState({
    status: 'exited',
    pid: 0,
    exitCode: 137,
    oomKilled: false,
    error: '',
    startedAt: '2026-12-01T19:20:01Z',
    finishedAt: '2026-12-01T19:29:00Z',
    restartCount: 0,
  });
  const c: ContainerNow = { record, file: undefined, state };

  it('ID of 12, the command quoted and cut to 20 with an ellipsis, CREATED and STATUS as Docker words them', () => {
    expect(psRow(c, { now })).toEqual({
      Command: '"httpd -f -p 8080 -h…"',
      CreatedAt: '2026-12-01 19:20:00 +0000 UTC',
      ID: '3f2a00000000',
      Image: 'busybox',
      Labels: 'tier=front',
      LocalVolumes: '0',
      Mounts: '',
      Names: 'web',
      Networks: 'none',
      Ports: '',
      RunningFor: '10 minutes ago',
      Size: '0B',
      State: 'exited',
      Status: 'Exited (137) About a minute ago',
    });
    const full = psRow(c, { now, noTrunc: true });
    expect([full.ID, full.Command]).toEqual([record.id, '"httpd -f -p 8080 -h /var/www"']);
    // -s: Docker's SIZE, 3 significant digits in decimal units.
    expect(psRow(c, { now, size: { writable: 12_345, image: 2_130_000 } }).Size).toBe('12.3kB (virtual 2.14MB)');
    expect(psRow(c, { now, size: { writable: 0, image: 0 } }).Size).toBe('0B (virtual 0B)');
  });

  it('a container of no image, never started', () => {
    const created = psRow({ record: { ...record, image: '' }, file: undefined, state: liveState(undefined) }, { now });
    expect([created.Image, created.State, created.Status]).toEqual(['<none>', 'created', 'Created']);
    expect(ZERO_TIME).toBe('0001-01-01T00:00:00Z');
  });

  it("a table template's header: Docker's column titles", () => {
    expect(templateHeader('{{.ID}}\t{{.Names}}\t{{.RunningFor}}\t{{json .Labels}}')).toBe(
      'CONTAINER ID\tNAMES\tCREATED\tLABELS',
    );
  });

  it('ellipsis counts characters, not bytes', () => {
    expect(ellipsis('héllo wörld', 5)).toBe('héll…');
    expect(ellipsis('short', 20)).toBe('short');
  });
});
