import { describe, expect, it } from 'vitest';
import { corsSchema, routeSchema } from '../../src/config/schema.js';
import { compileCors, isPreflight, preflight, responseHeaders } from '../../src/http/cors.js';

const APP = 'https://app.example.com';
const cors = (raw: Record<string, unknown>) => compileCors(corsSchema.parse(raw));
const ask = (origin: string | undefined, method = 'PUT', headers?: string) => ({
  ...(origin === undefined ? {} : { origin }),
  'access-control-request-method': method,
  ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
});

describe('CORS (Fetch standard)', () => {
  it('tells a preflight from a plain OPTIONS request', () => {
    expect(isPreflight('OPTIONS', ask(APP))).toBe(true);
    expect(isPreflight('OPTIONS', { origin: APP })).toBe(false);
    expect(isPreflight('OPTIONS', { 'access-control-request-method': 'GET' })).toBe(false);
    expect(isPreflight('GET', ask(APP))).toBe(false);
  });

  it('allows a listed origin, method and headers, echoing the origin with the configured answer', () => {
    const answer = preflight(cors({ origins: [APP], methods: ['GET', 'PUT'], headers: ['Authorization', 'X-Trace'], maxAge: '10m' }), ask(APP, 'PUT', 'authorization, X-TRACE'));
    expect(answer).toEqual({
      allowed: true,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'GET, PUT',
        'access-control-allow-headers': 'authorization, x-trace',
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      },
    });
  });

  it('refuses other origins, `null`, unlisted methods and headers, with Vary and nothing that allows', () => {
    const c = cors({ origins: [APP], methods: ['PUT'] });
    for (const [request, reason] of [
      [ask('https://evil.example'), 'origin not allowed'],
      [ask('null'), 'origin not allowed'],
      [ask(undefined), 'origin not allowed'],
      [ask(APP, 'DELETE'), 'method not allowed'],
      [ask(APP, 'PUT', 'authorization, x-secret'), 'header not allowed: x-secret'],
    ] as const) {
      const answer = preflight(c, request);
      expect(answer.allowed).toBe(false);
      expect(answer).toMatchObject({ reason });
      expect(Object.keys(answer.headers)).toEqual(['vary']);
    }
  });

  it('lets safelisted methods through without listing them', () => {
    expect(preflight(cors({ origins: [APP], methods: ['PUT'] }), ask(APP, 'POST', 'authorization')).allowed).toBe(true);
  });

  it('answers any origin with * when configured, and credentials only with an echoed origin', () => {
    const any = cors({ origins: ['*'] });
    expect(preflight(any, ask('https://x.example', 'GET')).headers['access-control-allow-origin']).toBe('*');
    expect(responseHeaders(any, 'https://x.example')).toEqual({ 'access-control-allow-origin': '*' });
    const withCredentials = cors({ origins: [APP], credentials: true });
    expect(responseHeaders(withCredentials, APP)).toEqual({ 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true', vary: 'Origin' });
    expect(preflight(withCredentials, ask(APP, 'GET')).headers['access-control-allow-credentials']).toBe('true');
  });

  it('gives a response from an unlisted or absent origin only Vary: Origin', () => {
    const c = cors({ origins: [APP] });
    expect(responseHeaders(c, APP)).toEqual({ 'access-control-allow-origin': APP, vary: 'Origin' });
    expect(responseHeaders(c, 'https://evil.example')).toEqual({ vary: 'Origin' });
    expect(responseHeaders(c, undefined)).toEqual({ vary: 'Origin' });
  });

  it('is a route option', () => {
    const route = routeSchema.parse({ name: 'api', match: { path: '/api/*' }, upstream: 'http://127.0.0.1:9', app: 'a', cors: { origins: [APP], maxAge: '1h' } });
    expect(route.cors).toMatchObject({ origins: [APP], maxAge: 3_600_000 });
    expect(routeSchema.safeParse({ name: 'api', match: { path: '/api/*' }, upstream: 'http://127.0.0.1:9', app: 'a', cors: { origins: ['nope'] } }).success).toBe(false);
  });

  it('configures with defaults and refuses what browsers never send or forbid', () => {
    expect(corsSchema.parse({ origins: [APP] })).toEqual({ origins: [APP], methods: ['GET', 'HEAD', 'POST'], headers: ['Authorization', 'Content-Type'], credentials: false, maxAge: 600_000 });
    for (const bad of [{ origins: [] }, { origins: ['https://app.example.com/'] }, { origins: ['https://App.example.com'] }, { origins: ['app.example.com'] }, { origins: ['null'] }, { origins: ['*'], credentials: true }, { origins: [APP], methods: ['TRACE'] }, { origins: [APP], extra: 1 }]) {
      expect(corsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
