import { validateSysctls } from '@gc/credentials';
import { GcError } from '@gc/syscall';
import { dockerNamespaces, type NetworkMode } from './docker-defaults.js';

/**
 * `--sysctl KEY=VALUE` values as OCI `linux.sysctl`, checked as the runtime
 * will check them (runc's rules) against the namespaces `docker run` gives,
 * so a refused key fails here naming the flag, not the OCI field.
 */
export function dockerSysctls(values: string[], network: NetworkMode): Record<string, string> {
  const namespaces = dockerNamespaces(network);
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const shown = JSON.stringify(v);
    if (eq <= 0) throw new GcError('EUSAGE', `--sysctl: ${shown} is not KEY=VALUE`);
    const key = v.slice(0, eq);
    const value = v.slice(eq + 1);
    // A newline would end the value the kernel parses, and the rest be lost.
    if (value.includes('\n')) throw new GcError('EUSAGE', `--sysctl: ${shown}: the value contains a newline`);
    if (network === 'host' && key.replaceAll('/', '.').startsWith('net.')) {
      throw new GcError(
        'EUSAGE',
        `--sysctl: ${shown}: net.* sysctls are not allowed with --network host (they would change the host's network)`,
      );
    }
    const field = '--sysctl';
    try {
      validateSysctls({ [key]: value }, { namespaces, field });
    } catch (e) {
      if (!GcError.isInstance(e)) throw e;
      const prefix = `${field}[${JSON.stringify(key)}]: `;
      const reason = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
      throw new GcError('EUSAGE', `--sysctl: ${shown}: ${reason}`, { cause: e });
    }
    out[key] = value;
  }
  return out;
}
