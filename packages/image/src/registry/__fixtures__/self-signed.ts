import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A fresh RSA key and a self-signed certificate for `CN=cn`, valid a day, written into `dir` (openssl). */
export function selfSigned(dir: string, cn: string): { keyFile: string; certFile: string } {
  const keyFile = join(dir, `${cn}.key`);
  const certFile = join(dir, `${cn}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1'].concat([
      '-subj',
      `/CN=${cn}`,
    ]),
    { stdio: 'ignore' },
  );
  return { keyFile, certFile };
}
