/**
 * Header access on `req.rawHeaders`, the list that is actually forwarded. `req.headers` folds repeated
 * headers and stops at Node's header count, so a decision made on it could differ from what an upstream
 * reads; every decision about a header reads the raw list instead.
 */

/** Returned by `singleHeader` when the header appears more than once. */
export const REPEATED = Symbol('repeated header');

/** The value of a header that must appear at most once (`lowerName` in lower case), REPEATED, or undefined. */
export function singleHeader(raw: readonly string[], lowerName: string): string | typeof REPEATED | undefined {
  let value: string | undefined;
  const length = lowerName.length;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Length first: most names differ in length, so most need no lower-casing.
    if (name.length !== length || name.toLowerCase() !== lowerName) continue;
    if (value !== undefined) return REPEATED;
    value = raw[i + 1]!;
  }
  return value;
}

/** Lower case with `_` as `-`: `X_Auth_App` and `X-Auth-App` reach a CGI upstream as the same name. */
function cgiName(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes('_') ? lower.replace(/_/g, '-') : lower;
}

/** Names (canonical, lower case) listed in every `Connection` header of the list, or null when there is none. */
export function connectionListed(raw: readonly string[]): Set<string> | null {
  let listed: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length !== 10 || raw[i]!.toLowerCase() !== 'connection') continue;
    listed ??= new Set();
    for (const token of raw[i + 1]!.split(',')) {
      const name = token.trim();
      if (name !== '') listed.add(cgiName(name));
    }
  }
  return listed;
}
