// A token service for the registry's `auth.token` config: Basic credentials
// in, an RS256 JWT out, signed by a key whose self-signed certificate is the
// registry's rootcertbundle and travels in the token's x5c header.
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { selfSigned } from './self-signed.js';

export interface TokenRequest {
  query: Record<string, string[]>;
  headers: IncomingHttpHeaders;
}

export interface TokenService {
  realm: string;
  service: string;
  issuer: string;
  rootcertbundle: string;
  requests: TokenRequest[];
  /** How tokens are answered: Docker Hub's `token` + `expires_in`, or OAuth's bare `access_token`. */
  answer: 'token' | 'access_token';
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Start the service in `dir` (key and certificate written there); `users` maps names to passwords. */
export async function startTokenService(dir: string, users: Record<string, string>): Promise<TokenService> {
  const { keyFile, certFile } = selfSigned(dir, 'gc-test-token');
  const key = createPrivateKey(readFileSync(keyFile));
  const cert = new X509Certificate(readFileSync(certFile));
  const issuer = 'gc-test-issuer';
  const service = 'gc-test-registry';
  const requests: TokenRequest[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) query[name] = [...(query[name] ?? []), value];
    requests.push({ query, headers: { ...req.headers } });
    let subject = '';
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const [user = '', password] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      if (!auth.startsWith('Basic ') || users[user] !== password) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"details":"incorrect username or password"}');
        return;
      }
      subject = user;
    }
    // Only users get access; anonymous tokens carry none, so the registry refuses them.
    const access =
      subject === ''
        ? []
        : (query.scope ?? []).flatMap((scope) => {
            const [type, ...rest] = scope.split(':');
            const actions = rest.pop()?.split(',') ?? [];
            return [{ type, name: rest.join(':'), actions }];
          });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [cert.raw.toString('base64')] };
    const claims = {
      iss: issuer,
      sub: subject,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const token = `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(service_.answer === 'token' ? { token, expires_in: 300 } : { access_token: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const service_: TokenService = {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootcertbundle: certFile,
    requests,
    answer: 'token',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return service_;
}
