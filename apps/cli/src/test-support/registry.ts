// A registry for the pull tests: Debian's docker-registry on 127.0.0.1 with
// its storage in a temp dir, images pushed with skopeo, stopped by its pid.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LocalRegistry {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Push `source` (a skopeo transport:name) as `name` (`test/busybox:1`). */
  push(source: string, name: string): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

// skopeo as root writes a blob-info cache under /var/lib/containers: removed when the tests made it.
const SKOPEO_CACHE = '/var/lib/containers/cache/blob-info-cache-v1.boltdb';

export async function startLocalRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'gc-cli-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'storage')}\nhttp:\n  addr: ${host}\n`,
  );
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
  const cacheExisted = existsSync(SKOPEO_CACHE);
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    if (!cacheExisted) rmSync(SKOPEO_CACHE, { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      await (await fetch(`http://${host}/v2/`)).body?.cancel();
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
    push(source, name) {
      execFileSync(
        'skopeo',
        [
          '--policy',
          policy,
          '--tmpdir',
          dir,
          'copy',
          '--quiet',
          '--dest-tls-verify=false',
          source,
          `docker://${host}/${name}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    },
    stop,
  };
}
