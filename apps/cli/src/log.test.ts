import { describe, expect, it } from 'vitest';
import { formatLogRecord } from './log.js';

describe('formatLogRecord', () => {
  const at = new Date('2026-12-01T13:31:17.456Z');

  it("writes runc's JSON line: level, msg, time to the second", () => {
    const line = formatLogRecord('json', 'error', 'container "a" does not exist', at);
    expect(line).toBe('{"level":"error","msg":"container \\"a\\" does not exist","time":"2026-12-01T13:31:17Z"}\n');
    expect(JSON.parse(line)).toEqual({
      level: 'error',
      msg: 'container "a" does not exist',
      time: '2026-12-01T13:31:17Z',
    });
  });

  it("writes logrus's text line, the message quoted on one line", () => {
    expect(formatLogRecord('text', 'debug', 'two\nlines', at)).toBe(
      'time="2026-12-01T13:31:17Z" level=debug msg="two\\nlines"\n',
    );
  });
});
