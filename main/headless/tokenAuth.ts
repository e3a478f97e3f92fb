import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'z1wb_token';

/**
 * What a token may be. 16 characters is the floor: a random token that short still has 64 bits
 * (hex) to guess over the network; the generated one has 48 hex characters (192 bits). The
 * characters are the URL- and cookie-safe ones, so the token goes into `?token=`, a bearer header
 * and the session cookie unescaped and can never split a header.
 */
export const TOKEN_RULES = { minLength: 16, maxLength: 256, pattern: /^[A-Za-z0-9._~-]+$/ } as const;

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** Why a token cannot guard the host (null when it can); `source` names where it came from. */
export function tokenProblem(token: string, source: string): string | null {
  if (token.length === 0) return `${source} is empty: the host needs a token that nobody can guess`;
  if (token.length < TOKEN_RULES.minLength)
    return `${source} has ${token.length} characters: a token needs at least ${TOKEN_RULES.minLength} (leave it out to get a random one)`;
  if (token.length > TOKEN_RULES.maxLength)
    return `${source} has ${token.length} characters: at most ${TOKEN_RULES.maxLength} are accepted`;
  if (!TOKEN_RULES.pattern.test(token))
    return `${source} may only hold letters, digits and . _ ~ - (it goes into URLs and a cookie unescaped)`;
  return null;
}

/**
 * The token a request carries: `?token=`, `Authorization: Bearer`, or the session cookie. Reads
 * the raw request target without parsing it as a URL, so a malformed target cannot throw here:
 * the token is checked before anything else about the request is parsed.
 */
export function presentedToken(request: IncomingMessage): string | null {
  const target = request.url ?? '';
  const query = target.indexOf('?');
  if (query !== -1) {
    const fromQuery = new URLSearchParams(target.slice(query + 1)).get('token');
    if (fromQuery) return fromQuery;
  }
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return rest.join('=');
  }
  return null;
}

export function tokenMatches(presented: string | null, expected: string): boolean {
  // An empty expected token would match an empty cookie: the host refuses to start with one, and
  // this refuses to match one, whatever a caller passes.
  if (presented === null || expected.length === 0) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
