import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from '@gc/rootfs';
import { fsError } from '@gc/runtime';
import type { NetworkMode } from './docker-defaults.js';

/** The files Docker gives every container, by their path inside it. */
const ETC_FILES = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf'] as const;
type EtcFile = (typeof ETC_FILES)[number];

/** Docker's fallback resolvers, for a host whose only resolvers are on its loopback (unreachable from a container). */
const FALLBACK_NAMESERVERS: readonly string[] = Object.freeze([
  '8.8.8.8',
  '8.8.4.4',
  '2001:4860:4860::8888',
  '2001:4860:4860::8844',
]);

/** The host's files the container's are made from. */
export interface HostEtcFiles {
  /** The host's /etc/hosts (used as it is with the host's network). */
  readonly hosts: string;
  /** The host's /etc/resolv.conf. */
  readonly resolvConf: string;
  /** systemd-resolved's list of the real upstream resolvers, when the host runs it. */
  readonly systemdResolvConf?: string | undefined;
}

/** The lines Docker writes in a container's /etc/hosts before its own name. */
const HOSTS_DEFAULT = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/**
 * `/etc/hosts`: Docker's localhost and ip6 lines, then the container's own
 * name. Docker names the container's address there; with no network (our
 * default) it has none, and the name goes on 127.0.0.1, as podman writes it,
 * so that `hostname -f` and programs that look their own name up work. With
 * the host's network: the host's file as it is, plus the name if it lacks it.
 */
export function dockerHosts(hostname: string, network: NetworkMode, host: Pick<HostEtcFiles, 'hosts'>): string {
  if (network === 'host') {
    const names = host.hosts.split('\n').flatMap((line) => line.replace(/#.*/, '').trim().split(/\s+/).slice(1));
    if (names.includes(hostname)) return host.hosts;
    const base = host.hosts === '' || host.hosts.endsWith('\n') ? host.hosts : `${host.hosts}\n`;
    return `${base}127.0.0.1\t${hostname}\n`;
  }
  return `${[...HOSTS_DEFAULT, `127.0.0.1\t${hostname}`].join('\n')}\n`;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || address === '0:0:0:0:0:0:0:1';

/**
 * `/etc/resolv.conf`, as Docker makes it. With the host's network, the host's
 * file as it is (its loopback resolvers are reachable). Otherwise the host's
 * resolvers without the loopback ones, keeping `search`, `domain` and
 * `options`; when only a local resolver is left, systemd-resolved's upstream
 * list if there is one (as Docker reads it), else Docker's public fallbacks.
 */
export function dockerResolvConf(network: NetworkMode, host: Omit<HostEtcFiles, 'hosts'>): string {
  if (network === 'host') return host.resolvConf;
  const filtered = withoutLoopback(host.resolvConf);
  if (filtered.servers > 0) return filtered.text;
  if (host.systemdResolvConf !== undefined) {
    const upstream = withoutLoopback(host.systemdResolvConf);
    if (upstream.servers > 0) return upstream.text;
  }
  const fallback = FALLBACK_NAMESERVERS.map((server) => `nameserver ${server}`);
  return `${[...filtered.text.split('\n').filter(Boolean), ...fallback].join('\n')}\n`;
}

function withoutLoopback(resolvConf: string): { text: string; servers: number } {
  let servers = 0;
  const lines = resolvConf.split('\n').filter((line) => {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!match) return line.trim() !== '';
    if (isLoopback((match[1] as string).replace(/%.*/, ''))) return false;
    servers++;
    return true;
  });
  return { text: lines.length > 0 ? `${lines.join('\n')}\n` : '', servers };
}

/** The host's files, read from this machine. */
function readHostEtcFiles(): HostEtcFiles {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  return {
    hosts: read('/etc/hosts') ?? '',
    resolvConf: read('/etc/resolv.conf') ?? '',
    systemdResolvConf: read('/run/systemd/resolve/resolv.conf'),
  };
}

export interface EtcFilesOptions {
  readonly hostname: string;
  readonly network: NetworkMode;
  /** `--read-only`: Docker then binds the three read-only too. */
  readonly readonly: boolean;
  /** Destinations the user mounts something on already (`-v x:/etc/hosts`): Docker leaves those alone. */
  readonly mountedByUser?: readonly string[];
  /** The host's files (default: this machine's /etc/hosts, /etc/resolv.conf and systemd-resolved's list). */
  readonly host?: HostEtcFiles;
}

/**
 * Write the container's /etc/hosts, /etc/hostname and /etc/resolv.conf into
 * `dir` (its run directory, which goes away with it) and return the OCI
 * mounts that bind them in, as Docker's: `bind` mounts with `rbind` and
 * `rprivate`, plus `ro` when the root is read-only. The runtime makes a
 * target that the root lacks inside the root.
 */
export function writeDockerEtcFiles(dir: string, options: EtcFilesOptions): Mount[] {
  const host = options.host ?? readHostEtcFiles();
  const content: Record<EtcFile, string> = {
    '/etc/hosts': dockerHosts(options.hostname, options.network, host),
    '/etc/hostname': `${options.hostname}\n`,
    '/etc/resolv.conf': dockerResolvConf(options.network, host),
  };
  const mounts: Mount[] = [];
  for (const destination of ETC_FILES) {
    if (options.mountedByUser?.includes(destination)) continue;
    const source = join(dir, destination.slice('/etc/'.length));
    try {
      // O_EXCL: a file of the run directory, never one that was there before.
      writeFileSync(source, content[destination], { mode: 0o644, flag: 'wx' });
    } catch (e) {
      throw fsError(`write the container's ${destination} to ${source}`, e);
    }
    mounts.push({
      destination,
      type: 'bind',
      source,
      options: ['rbind', 'rprivate', ...(options.readonly ? ['ro'] : [])],
    });
  }
  return mounts;
}
