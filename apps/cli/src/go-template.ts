import { UsageError } from './usage-error.js';

/** A value as Go's text/template prints it: `[a b]` for a list, `map[k:v]` for an object, `<no value>` when missing. */
function goText(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goText).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${goText(v)}`).join(' ')}]`;
  }
  return String(value);
}

const ACTION = /\{\{\s*(json\s+)?(\.[A-Za-z0-9_.]*)\s*\}\}/g;

/**
 * The part of Go's text/template that `--format` is mostly used with:
 * `{{.Field.Sub}}` and `{{json .Field}}` (`{{.}}` is the whole value).
 * Anything else is refused, naming the flag.
 */
export function renderTemplate(template: string, value: unknown, flag = '--format'): string {
  const rest = template.replace(ACTION, '');
  if (rest.includes('{{')) {
    throw new UsageError(`${flag}: ${JSON.stringify(template)}: only {{.Field}} and {{json .Field}} are supported`);
  }
  return template.replace(ACTION, (_all, json: string | undefined, path: string) => {
    let at: unknown = value;
    for (const key of path.split('.').filter(Boolean)) {
      at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
    }
    return json ? JSON.stringify(at ?? null) : goText(at);
  });
}
