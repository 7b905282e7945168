import { describe, expect, it } from 'vitest';
import { renderTemplate } from './go-template.js';

describe('renderTemplate', () => {
  const value = { Id: 'sha256:ab', Config: { Cmd: ['/bin/sh', '-c'], Env: null, Labels: { b: '2', a: '1' } } };

  it('prints fields as Go templates do, and JSON with json', () => {
    expect(renderTemplate('{{.Id}}', value)).toBe('sha256:ab');
    expect(renderTemplate('{{.Config.Cmd}} {{ json .Config.Cmd }}', value)).toBe('[/bin/sh -c] ["/bin/sh","-c"]');
    expect(renderTemplate('{{.Config.Labels}}', value)).toBe('map[a:1 b:2]');
    expect(renderTemplate('{{.Config.Env}}|{{.Nope}}', value)).toBe('<nil>|<no value>');
  });

  it('refuses what it cannot do, naming the flag', () => {
    expect(() => renderTemplate('{{range .RepoTags}}{{.}}{{end}}', value)).toThrow(
      '--format: "{{range .RepoTags}}{{.}}{{end}}": only {{.Field}} and {{json .Field}} are supported',
    );
  });
});
