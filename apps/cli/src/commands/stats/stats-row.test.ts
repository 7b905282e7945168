import type { ContainerStats } from '@gc/engine';
import { describe, expect, it } from 'vitest';
import { statsFormat, statsRow } from './stats-row.js';

const ID = `4f2a1c9e7b3d${'0'.repeat(52)}`;
const subject = { container: 'web', id: ID, name: 'web' };
const stats: ContainerStats = {
  cpuPercent: 12.345,
  memoryUsage: 1.5 * 1024 * 1024,
  memoryLimit: 8_192_000_000,
  memoryPercent: 0.0192,
  netRx: 1500,
  netTx: 648,
  blockRead: 4_200_000,
  blockWrite: 0,
  pids: 3,
};

describe('stats rows', () => {
  it("formats as Docker's stats: binary memory, decimal I/O, two-decimal percents, short IDs", () => {
    expect(statsRow(subject, stats)).toEqual({
      BlockIO: '4.2MB / 0B',
      CPUPerc: '12.35%',
      Container: 'web',
      ID: '4f2a1c9e7b3d',
      MemPerc: '0.02%',
      MemUsage: '1.5MiB / 7.629GiB',
      Name: 'web',
      NetIO: '1.5kB / 648B',
      PIDs: '3',
    });
    expect(statsRow(subject, stats, true).ID).toBe(ID);
  });

  it("prints Docker's table, JSON lines, and templates", () => {
    const row = statsRow(subject, stats);
    expect(statsFormat()([row])).toBe(
      'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O        BLOCK I/O    PIDS\n' +
        '4f2a1c9e7b3d   web       12.35%    1.5MiB / 7.629GiB   0.02%     1.5kB / 648B   4.2MB / 0B   3\n',
    );
    expect(statsFormat()([])).toBe(
      'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n',
    );
    expect(JSON.parse(statsFormat('json')([row]))).toEqual(row);
    expect(statsFormat('{{.Name}}: {{.CPUPerc}}')([row, row])).toBe('web: 12.35%\nweb: 12.35%\n');
    expect(statsFormat('table {{.Container}}\\t{{.PIDs}}')([row])).toBe('CONTAINER   PIDS\nweb         3\n');
  });

  it('refuses a --format that is neither table, json nor a template, naming the flag', () => {
    expect(() => statsFormat('yaml')).toThrow(
      '--format: expected table, json or a Go template ({{.Name}}...), got "yaml"',
    );
    expect(() => statsFormat('{{range .}}x{{end}}')).toThrow('--format:');
  });
});
