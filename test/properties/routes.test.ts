import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, compileRoutes } from '../../src/edge/routes.js';
import type { RouteConfig } from '../../src/config/schema.js';

const RUNS = { numRuns: 5000 };
const literal = fc.stringMatching(/^[A-Za-z0-9._~!$&'()+,=:@-]{1,6}$/);
const patternSegments = fc
  .tuple(fc.array(fc.oneof(literal, fc.constant(':p'), fc.constant('*')), { minLength: 0, maxLength: 4 }), fc.constantFrom('', '*', '/', 'lit'))
  .map(([segments, end]) => {
    const named = segments.map((s, i) => (s === ':p' ? `:p${i}` : s));
    if (end === '*') named.push('*');
    if (end === 'lit') named.push('end');
    return { named, trailingSlash: end === '/' && named.length > 0 };
  });

/** A reference matcher over segments: literal (case-insensitive, optional `;params`), `:name` one segment, `*` one segment, a final `*` any rest. */
function reference(pattern: string[], path: string): Record<string, string> | null {
  const segs = path.split('/').slice(1);
  const params: Record<string, string> = {};
  function at(i: number, j: number): boolean {
    if (i === pattern.length) return j === segs.length || (j === segs.length - 1 && segs[j] === '');
    const p = pattern[i]!;
    if (p === '*' && i === pattern.length - 1) return true;
    if (p === '' && i === pattern.length - 1) return at(i + 1, j);
    if (j >= segs.length) return false;
    const s = segs[j]!;
    if (s === '') return false;
    if (p === '*') return at(i + 1, j + 1);
    if (p.startsWith(':')) {
      params[p.slice(1)] = s;
      return at(i + 1, j + 1);
    }
    const lower = s.toLowerCase();
    const want = p.toLowerCase();
    return (lower === want || lower.startsWith(`${want};`) || lower.startsWith(`${want}%3b`)) && at(i + 1, j + 1);
  }
  return at(0, 0) ? params : null;
}

function pathFor(pattern: string[]) {
  const segment = fc.oneof(literal, fc.constantFrom('lit', ...pattern.filter((s) => !s.startsWith(':') && s !== '*')).map((s) => s.toUpperCase()), fc.constantFrom('x;y', 'a%3Bb'));
  const fromPattern = fc.tuple(...pattern.map((p) => (p.startsWith(':') || p === '*' ? literal : fc.oneof(fc.constant(p), fc.constant(`${p};m=1`), segment)))).map((segs) => segs);
  return fc.tuple(fc.oneof(fromPattern, fc.array(segment, { maxLength: 5 })), fc.array(literal, { maxLength: 2 }), fc.boolean())
    .map(([segs, extra, slash]) => `/${[...segs, ...extra].join('/')}${slash ? '/' : ''}`)
    .filter((path) => !path.includes('//'));
}

describe('route matching (properties)', () => {
  it('agrees with a reference segment matcher, parameters included', () => {
    fc.assert(
      fc.property(patternSegments.chain((p) => fc.tuple(fc.constant(p), pathFor(p.named))), ([p, path]) => {
        const source = `/${p.named.join('/')}${p.trailingSlash ? '/' : ''}`;
        const { pattern, params } = compilePattern(source);
        const m = pattern.exec(path);
        const expected = reference(p.trailingSlash ? [...p.named, ''] : p.named, path);
        expect(m !== null).toBe(expected !== null);
        if (m && expected) params.forEach((name, i) => expect(m[i + 1]).toBe(expected[name]));
      }),
      RUNS,
    );
  });

  it('picks the first route in order whose method, host and path all match', () => {
    const route = (name: string, path: string, methods?: ('GET' | 'POST')[], host?: string) =>
      ({ name, match: { path, ...(methods ? { methods } : {}), ...(host ? { host } : {}) }, upstream: 'http://u:1', auth: 'none' }) as unknown as RouteConfig;
    const configs = [route('post-only', '/a/*', ['POST']), route('host-only', '/a/*', undefined, 'api.example'), route('any-a', '/a/*'), route('b', '/b/:id')];
    const table = compileRoutes(configs);
    fc.assert(
      fc.property(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT'), fc.constantFrom('api.example', 'API.example:8080', 'other', undefined), fc.constantFrom('/a', '/a/x', '/b/1', '/b', '/c'), (method, host, path) => {
        const hostname = host?.replace(/:\d+$/, '').toLowerCase() ?? '';
        const name = table.match(method, path, hostname)?.route.name ?? null;
        const expected = path.startsWith('/a')
          ? method === 'POST' ? 'post-only' : hostname === 'api.example' ? 'host-only' : 'any-a'
          : path === '/b/1' ? 'b' : null;
        expect(name).toBe(expected);
      }),
      RUNS,
    );
  });
});
