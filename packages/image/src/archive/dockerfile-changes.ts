import { posix } from 'node:path';
import { GcError } from '@gc/syscall';
import type { ImageConfig } from '../descriptor.js';
import { EIMAGE_ARCHIVE } from './archive-error.js';

type RunConfig = NonNullable<ImageConfig['config']>;

const SUPPORTED = ['CMD', 'ENTRYPOINT', 'ENV', 'WORKDIR', 'USER', 'LABEL', 'EXPOSE', 'VOLUME', 'STOPSIGNAL'];

function bad(index: number, change: string, why: string): GcError {
  return new GcError(EIMAGE_ARCHIVE, `changes[${index}]: ${JSON.stringify(change)}: ${why}`);
}

/**
 * Apply `docker import --change` lines (Dockerfile instructions) to a config:
 * CMD, ENTRYPOINT and VOLUME in JSON or shell form, ENV and LABEL as
 * `KEY=value ...` (or ENV's older `KEY value`), WORKDIR (relative to the one
 * before), USER, EXPOSE, STOPSIGNAL.
 */
export function applyChanges(config: RunConfig, changes: readonly string[]): RunConfig {
  const result: RunConfig = { ...config };
  for (const [index, change] of changes.entries()) {
    const match = /^\s*(\S+)\s*([\s\S]*?)\s*$/.exec(change);
    const instruction = match?.[1]?.toUpperCase() ?? '';
    const rest = match?.[2] ?? '';
    if (!SUPPORTED.includes(instruction)) {
      throw bad(
        index,
        change,
        `${instruction || 'an empty line'} is not a change import can make (expected one of ${SUPPORTED.join(', ')})`,
      );
    }
    if (rest === '') throw bad(index, change, `${instruction} needs an argument`);
    switch (instruction) {
      case 'CMD':
        result.Cmd = command(rest, index, change);
        break;
      case 'ENTRYPOINT':
        result.Entrypoint = command(rest, index, change);
        break;
      case 'ENV': {
        const env = [...(result.Env ?? [])];
        for (const [key, value] of keyValues(rest, index, change, true)) {
          const at = env.findIndex((item) => item.slice(0, item.indexOf('=')) === key);
          if (at >= 0) env[at] = `${key}=${value}`;
          else env.push(`${key}=${value}`);
        }
        result.Env = env;
        break;
      }
      case 'LABEL':
        result.Labels = { ...(result.Labels ?? {}), ...Object.fromEntries(keyValues(rest, index, change, false)) };
        break;
      case 'WORKDIR':
        result.WorkingDir = posix.resolve(result.WorkingDir ?? '/', unquoted(rest, index, change));
        break;
      case 'USER':
        result.User = unquoted(rest, index, change);
        break;
      case 'STOPSIGNAL':
        result.StopSignal = unquoted(rest, index, change);
        break;
      case 'EXPOSE': {
        const ports = { ...(result.ExposedPorts ?? {}) };
        for (const port of words(rest, index, change)) {
          if (!/^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/.test(port))
            throw bad(index, change, `${JSON.stringify(port)} is not PORT[/PROTOCOL]`);
          ports[port.includes('/') ? port : `${port}/tcp`] = {};
        }
        result.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const volumes = { ...(result.Volumes ?? {}) };
        for (const volume of jsonArray(rest) ?? words(rest, index, change)) volumes[volume] = {};
        result.Volumes = volumes;
        break;
      }
    }
  }
  return result;
}

/** The JSON (exec) form `["a", "b"]`, or undefined when `text` is not one. */
function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  } catch {
    // Not JSON: Docker takes it as the shell form.
  }
  return undefined;
}

function command(text: string, index: number, change: string): string[] {
  const exec = jsonArray(text);
  if (exec !== undefined) {
    if (exec.length === 0) throw bad(index, change, 'an empty command');
    return exec;
  }
  return ['/bin/sh', '-c', text];
}

/** Words split at unquoted blanks, with quotes removed and backslash escapes applied. */
function words(text: string, index: number, change: string): string[] {
  const result: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && quote !== "'" && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) result.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== undefined) throw bad(index, change, `an unterminated ${quote} quote`);
  if (word !== undefined) result.push(word);
  return result;
}

function unquoted(text: string, index: number, change: string): string {
  const parts = words(text, index, change);
  if (parts.length !== 1) throw bad(index, change, 'expected one value');
  return parts[0] as string;
}

function keyValues(text: string, index: number, change: string, legacy: boolean): [string, string][] {
  const parts = words(text, index, change);
  const first = parts[0] ?? '';
  if (legacy && !first.includes('=')) {
    // ENV KEY value with spaces: the older form, one variable.
    const value = text.slice(text.indexOf(first) + first.length).trim();
    if (value === '') throw bad(index, change, 'expected KEY=value or KEY value');
    return [[first, value]];
  }
  return parts.map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw bad(index, change, `${JSON.stringify(part)} is not KEY=value`);
    return [part.slice(0, eq), part.slice(eq + 1)];
  });
}
