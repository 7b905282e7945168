import type { ContainerSummary } from '@gc/runtime';
import { describe, expect, it } from 'vitest';
import { table } from './index.js';

const summary = (id: string, pid: number, status: ContainerSummary['status']): ContainerSummary => ({
  ociVersion: '1.2.0',
  id,
  pid,
  status,
  bundle: `/bundles/${id}`,
  rootfs: `/bundles/${id}/rootfs`,
  created: '2026-12-01T13:00:00.000Z',
  owner: 'root',
});

describe("list's table, as runc's tabwriter lays it out", () => {
  it('pads each column but the last to its widest cell + 3, at least 12', () => {
    expect(table([summary('a', 42, 'running'), summary('a-longer-container-id', 0, 'stopped')])).toBe(
      [
        'ID                      PID         STATUS      BUNDLE                           CREATED                    OWNER',
        'a                       42          running     /bundles/a                       2026-12-01T13:00:00.000Z   root',
        'a-longer-container-id   0           stopped     /bundles/a-longer-container-id   2026-12-01T13:00:00.000Z   root',
        '',
      ].join('\n'),
    );
  });

  it('is the header alone without containers', () => {
    expect(table([])).toBe('ID          PID         STATUS      BUNDLE      CREATED     OWNER\n');
  });
});
