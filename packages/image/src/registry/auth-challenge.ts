/** One challenge of a `WWW-Authenticate` header (RFC 7235): `Bearer realm="...",service="..."`. */
export interface AuthChallenge {
  /** Lowercase: `bearer`, `basic`. */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * The challenges of a `WWW-Authenticate` header. Parameters are `name=token`
 * or `name="quoted \"string\""`; a header may hold several challenges.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = header.trim();
  let current: AuthChallenge | undefined;
  while (rest.length > 0) {
    const word = TOKEN.exec(rest)?.[0];
    if (word === undefined) break;
    const after = rest.slice(word.length).trimStart();
    if (after.startsWith('=') && current !== undefined) {
      let value: string;
      let tail = after.slice(1).trimStart();
      if (tail.startsWith('"')) {
        value = '';
        let i = 1;
        for (; i < tail.length && tail[i] !== '"'; i++) {
          if (tail[i] === '\\' && i + 1 < tail.length) i++;
          value += tail[i];
        }
        tail = tail.slice(i + 1);
      } else {
        // Leniently, as Docker: an unquoted value runs to the next comma.
        value = /^[^,\s]*/.exec(tail)?.[0] ?? '';
        tail = tail.slice(value.length);
      }
      current.params[word.toLowerCase()] = value;
      rest = tail.trimStart();
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
      rest = after;
    }
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
  }
  return challenges;
}
