import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { normalizePath, normalizeTarget } from '../../src/edge/normalize-path.js';
import { compileRoutes, upstreamPath } from '../../src/edge/routes.js';

const RUNS = { numRuns: 20000 };

/** Pieces attackers combine to disguise `/admin` or escape `/public`. */
const PIECES = [
  'admin', 'ADMIN', 'Admin', '%61dmin', 'adm%69n', '%41DMIN', 'admin.', 'admin;x', 'admin%3Bx', 'admin%3bjsessionid=1', ';', '%3B',
  'public', 'PUBLIC', 'x', 'a%2Fb', '%2F', '%2f', '%5C', '%5c', '\\', '%00', '%0a', '%20', '%7e', '%7E',
  '.', '..', '%2e', '%2E', '%2e%2e', '%2E.', '.%2e', '..;', '..;x', '.;', '%2e%2e;', '..%3B', '..%00', '...',
  '%252e', '%252e%252e', '%25', '%2', '%zz', '%32%65', '%25%32%65', '%25%32%65%25%32%65', '%%32e', '%u002e', '',
];
const piece = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 4 }) });
const rawPath = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 7 }), fc.array(fc.constantFrom('/', '/', '/', '//', '\\', '/./'), { minLength: 7, maxLength: 7 }))
  .map(([pieces, seps]) => pieces.map((p, i) => seps[i] + p).join(''));

/** How a lenient upstream might read a path: decodes repeatedly, `\` as `/`, drops `;params`, resolves dots, ignores case. */
function lenientRead(path: string): string {
  let text = path;
  for (let i = 0; i < 4; i++) {
    const next = text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === text) break;
    text = next;
  }
  const out: string[] = [];
  for (const raw of text.replace(/\\/g, '/').split('/')) {
    const segment = raw.split(';')[0]!.replace(/\0.*$/s, '');
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment.toLowerCase());
  }
  return `/${out.join('/')}`;
}

const table = compileRoutes(
  parseConfig({
    routes: [
      { name: 'admin', match: { path: '/admin/*' }, upstream: 'http://up:1', app: 'a1' },
      { name: 'public', match: { path: '/public/*' }, upstream: 'http://up:1', auth: 'none' },
      { name: 'rest', match: { path: '/*' }, upstream: 'http://up:1', auth: 'none' },
    ],
  }, 'test').routes,
);

describe('path normalization (properties)', () => {
  it('never lets a path an upstream would read as /admin reach it through an unprotected route', () => {
    fc.assert(
      fc.property(rawPath, fc.constantFrom('', '?q=1'), (path, query) => {
        const target = normalizeTarget(path + query);
        if (target === null) return;
        const match = table.match('GET', target.path, 'gw');
        expect(match).not.toBeNull();
        const seen = lenientRead(upstreamPath(match!.route, target.path, ''));
        if (seen === '/admin' || seen.startsWith('/admin/')) expect(match!.route.name).toBe('admin');
      }),
      RUNS,
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(rawPath, fc.string({ maxLength: 30 }).map((s) => `/${s}`)), (path) => {
        const once = normalizePath(path);
        if (once !== null) expect(normalizePath(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('never outputs dot segments, empty segments, encoded or raw slash/backslash, NUL or controls', () => {
    fc.assert(
      fc.property(rawPath, (path) => {
        const target = normalizeTarget(path);
        if (target === null) return;
        const p = target.path;
        expect(p.startsWith('/')).toBe(true);
        expect(p).not.toMatch(/\/\/|%2F|%5C|%00|\\|[\x00-\x20\x7f]/i);
        const segments = p.split('/').slice(1, p.endsWith('/') ? -1 : undefined);
        for (const segment of segments) expect(['.', '..', '']).not.toContain(segment);
      }),
      RUNS,
    );
  });

  it('keeps an absolute-form or scheme-relative target from naming a host: the result is always a path on the gateway', () => {
    const host = fc.constantFrom('evil.example', '169.254.169.254', 'localhost:6379', 'user@evil', '');
    fc.assert(
      fc.property(fc.constantFrom('http://', 'https://', 'HTTP://', '//'), host, rawPath, (scheme, h, path) => {
        const target = normalizeTarget(`${scheme}${h}${path}`);
        if (target === null) return;
        expect(target.path.startsWith('/')).toBe(true);
        expect(target.path.startsWith('//')).toBe(false);
      }),
      RUNS,
    );
  });
});
