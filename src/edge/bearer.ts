/** Reads the Bearer credential from the Authorization header, and only from there (RFC 6750 2.1). */
import { parseSecret, SECRET_LENGTH } from '../tokens/format.js';

export type Credential =
  | { kind: 'token'; token: string }
  | { kind: 'missing' }
  | { kind: 'malformed'; description: string };

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_HEADER = 4096;
const MISSING: Credential = { kind: 'missing' };

/**
 * Uses rawHeaders because Node joins repeated Authorization headers into one value.
 * A non-Bearer scheme counts as no credentials: the answer is the bare challenge.
 */
export function readBearer(rawHeaders: readonly string[]): Credential {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 13 || name.toLowerCase() !== 'authorization') continue;
    if (value !== undefined) return { kind: 'malformed', description: 'more than one Authorization header' };
    value = rawHeaders[i + 1]!;
  }
  if (value === undefined) return MISSING;
  if (value.length > MAX_HEADER) return { kind: 'malformed', description: 'Authorization header too long' };
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return trimmed === '' ? { kind: 'malformed', description: 'empty Authorization header' } : MISSING;
  const token = space < 0 ? '' : trimmed.slice(space + 1).trimStart();
  if (token === '') return { kind: 'malformed', description: 'Bearer scheme without a token' };
  if (!B64TOKEN.test(token)) return { kind: 'malformed', description: 'token has characters outside b64token' };
  return { kind: 'token', token };
}

/** True when the query string carries an `access_token` parameter (RFC 6750 2.3, which we refuse). */
export function hasQueryToken(query: string): boolean {
  if (query.length < 13 || (!query.includes('_') && !query.includes('%'))) return false;
  for (const pair of query.slice(1).split('&')) {
    const name = pair.split('=', 1)[0]!;
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      /* an undecodable name is not access_token */
    }
    if (decoded === 'access_token') return true;
  }
  return false;
}

const SECRET_IN_TEXT = /tg_[a-z]_[A-Za-z0-9_-]{43}[0-9A-Za-z]{6}/g;
const ESCAPE = /%([0-9A-Fa-f]{2})/g;

/** Every `%XX` decoded on its own, so one malformed escape elsewhere cannot switch decoding off. */
function unescapeEach(text: string): string {
  return text.replace(ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * True when any tollgate secret (valid checksum) sits anywhere in a request target, path or query, under
 * any parameter name, escaped once or twice: frameworks read `access.token`, `access token` or `;access_token`
 * as `access_token`, and a token in a URL leaks into every log between the client and the upstream whatever it
 * is called.
 */
export function urlCarriesSecret(target: string): boolean {
  if (target.length < SECRET_LENGTH) return false;
  let text = target;
  // Twice, for `%255F`; escapes are rare on the hot path, so this costs nothing there.
  for (let i = 0; i < 2 && text.includes('%'); i++) text = unescapeEach(text);
  if (!text.includes('tg_')) return false;
  for (const m of text.matchAll(SECRET_IN_TEXT)) if (parseSecret(m[0]) !== null) return true;
  return false;
}
