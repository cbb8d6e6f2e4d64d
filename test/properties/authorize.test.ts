import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize, hasAllScopes, hasAnyScope } from '../../src/edge/authorize.js';
import { compileRoute } from '../../src/edge/routes.js';
import { routeSchema } from '../../src/config/schema.js';
import type { Principal, TokenKind } from '../../src/types.js';

const RUNS = { numRuns: 5000 };
const scope = fc.constantFrom('a', 'b', 'c', 'd', 'A', 'a.b', 'reporting');
const scopes = fc.uniqueArray(scope, { maxLength: 5 });
const kind = fc.constantFrom<TokenKind>('api', 'install', 'access');

describe('scope matching and authorization (properties)', () => {
  it('hasAllScopes is the subset relation, exact and case-sensitive', () => {
    fc.assert(
      fc.property(scopes, scopes, (granted, required) => {
        expect(hasAllScopes(granted, required)).toBe(required.every((s) => new Set(granted).has(s)));
      }),
      RUNS,
    );
  });

  it('hasAnyScope is a non-empty intersection, or true for an empty list', () => {
    fc.assert(
      fc.property(scopes, scopes, (granted, anyOf) => {
        expect(hasAnyScope(granted, anyOf)).toBe(anyOf.length === 0 || anyOf.some((s) => granted.includes(s)));
      }),
      RUNS,
    );
  });

  it('allows exactly when kind, app binding, all-of and any-of scopes hold, and names the reason otherwise', () => {
    const appSpec = fc.constantFrom<'fixed' | 'param' | 'header'>('fixed', 'param', 'header');
    fc.assert(
      fc.property(appSpec, fc.uniqueArray(kind, { minLength: 1 }), scopes, scopes, kind, scopes, fc.constantFrom('rp1', 'rp2', 'RP1', ''), (spec, kinds, all, any, tokenKind, granted, claimed) => {
        const app = spec === 'fixed' ? 'rp1' : spec === 'param' ? { param: 'app' } : { header: 'X-RP-App' };
        const route = compileRoute(routeSchema.parse({ name: 'r', match: { path: '/x/:app/*' }, upstream: 'http://u:1', app, kinds, scopes: all, anyScopes: any }));
        const principal: Principal = { tokenId: 'tok_1', app: 'rp1', kind: tokenKind, scopes: granted, subject: 's' };
        const requested = spec === 'fixed' ? 'rp1' : claimed;
        const decision = authorize(route, principal, { app: claimed }, ['X-RP-App', claimed]);
        const okKind = kinds.includes(tokenKind);
        const okApp = requested === 'rp1';
        const okAll = all.every((s) => granted.includes(s));
        const okAny = any.length === 0 || any.some((s) => granted.includes(s));
        if (okKind && okApp && okAll && okAny) expect(decision).toBeNull();
        else if (!okKind) expect(decision).toEqual({ reason: 'wrong_kind' });
        else if (!okApp) expect(decision).toEqual({ reason: 'wrong_app' });
        else expect(decision?.reason).toBe('insufficient_scope');
      }),
      RUNS,
    );
  });

  it('never allows a token of one app through a header-bound route by a missing, other, or differently valued header', () => {
    const route = compileRoute(routeSchema.parse({ name: 'r', match: { path: '/x/*' }, upstream: 'http://u:1', app: { header: 'X-RP-App' } }));
    fc.assert(
      fc.property(fc.oneof(fc.constant(undefined), fc.constantFrom('rp2', 'RP1', ' rp1', 'rp1 ')), fc.constantFrom('X-RP-App', 'x-rp-app', 'X_RP_App'), (value, name) => {
        const principal: Principal = { tokenId: 'tok_1', app: 'rp1', kind: 'api', scopes: [], subject: 's' };
        const raw = value === undefined ? [] : [name, value];
        expect(authorize(route, principal, {}, raw)).toEqual({ reason: 'wrong_app' });
      }),
      RUNS,
    );
  });

  it('refuses a header-bound request whose app header appears more than once, whatever the values', () => {
    const route = compileRoute(routeSchema.parse({ name: 'r', match: { path: '/x/*' }, upstream: 'http://u:1', app: { header: 'X-RP-App' } }));
    fc.assert(
      fc.property(fc.array(fc.constantFrom('rp1', 'rp2'), { minLength: 2, maxLength: 3 }), (values) => {
        const principal: Principal = { tokenId: 'tok_1', app: 'rp1', kind: 'api', scopes: [], subject: 's' };
        const raw = values.flatMap((v, i) => [i % 2 ? 'x-rp-app' : 'X-RP-App', v]);
        expect(authorize(route, principal, {}, raw)?.reason).toBe('malformed');
      }),
      RUNS,
    );
  });
});
