// A real registry for the pull tests: Debian's docker-registry (distribution
// 2.8) on 127.0.0.1, its storage and config in a temp dir, stopped by pid.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as image names write it. */
  host: string;
  port: number;
  dir: string;
  /** The storage root, to share with another registry. */
  storage: string;
  /** Push `source` (a skopeo transport:name, `oci:DIR:TAG`) as `name` (`test/busybox:1`); `all` keeps an index whole. */
  push(source: string, name: string, options?: { all?: boolean; creds?: string }): Promise<void>;
  stop(): Promise<void>;
}

export interface RegistryAuthConfig {
  htpasswd?: string;
  token?: { realm: string; service: string; issuer: string; rootcertbundle: string };
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function yaml(value: unknown, indent = ''): string {
  return Object.entries(value as Record<string, unknown>)
    .map(([key, v]) =>
      typeof v === 'object' && v !== null
        ? `${indent}${key}:\n${yaml(v, `${indent}  `)}`
        : `${indent}${key}: ${JSON.stringify(v)}\n`,
    )
    .join('');
}

// skopeo as root writes a blob-info cache under /var/lib/containers: remove it when the tests made it.
const SKOPEO_CACHE = '/var/lib/containers/cache/blob-info-cache-v1.boltdb';

/** Start a registry; `storage` shares another registry's storage (to serve the same images with other auth). */
export async function startRegistry(
  options: { auth?: RegistryAuthConfig; storage?: string } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'gc-registry-'));
  const storage = options.storage ?? join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
    http: { addr: host, secret: 'gc-test-secret' },
    ...(options.auth?.htpasswd !== undefined
      ? { auth: { htpasswd: { realm: 'gc-test', path: options.auth.htpasswd } } }
      : {}),
    ...(options.auth?.token !== undefined ? { auth: { token: options.auth.token } } : {}),
  };
  writeFileSync(join(dir, 'config.yml'), yaml(config));
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const cacheExisted = existsSync(SKOPEO_CACHE);
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    if (!cacheExisted) {
      rmSync(SKOPEO_CACHE, { force: true });
      for (const dir of ['/var/lib/containers/cache', '/var/lib/containers']) {
        try {
          rmdirSync(dir);
        } catch {
          // Not empty (someone else's) or not there.
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      const response = await fetch(`http://${host}/v2/`);
      await response.body?.cancel();
      break;
    } catch {
      if (child.exitCode !== null || i > 100) {
        await stop();
        throw new Error(`docker-registry did not start: ${stderr}`);
      }
      await sleep(50);
    }
  }
  return {
    host,
    port,
    dir,
    storage,
    // Not execFileSync: a token service in this process must answer skopeo meanwhile.
    async push(source, name, pushOptions = {}) {
      await promisify(execFile)('skopeo', [
        '--policy',
        policy,
        '--tmpdir',
        dir,
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        ...(pushOptions.all === true ? ['--all'] : []),
        ...(pushOptions.creds !== undefined ? ['--dest-creds', pushOptions.creds] : []),
        source,
        `docker://${host}/${name}`,
      ]);
    },
    stop,
  };
}
