import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { generateSecret, parseSecret, SECRET_LENGTH, type SecretKind } from '../../src/tokens/format.js';
import { createTokenLifecycle, type TokenLifecycle } from '../../src/tokens/lifecycle.js';
import type { TokenKind } from '../../src/types.js';

const RUNS = { numRuns: 5000 };
const KINDS: SecretKind[] = ['api', 'install', 'access', 'apiKey', 'clientSecret'];
const TOKEN_KINDS: TokenKind[] = ['api', 'install', 'access'];
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The real MemoryStore, with a count of every call made to it. */
function countingStore(): { store: TokenStore; calls: () => number } {
  let calls = 0;
  const target = new MemoryStore();
  const store = new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
  return { store, calls: () => calls };
}

/** A valid secret with exactly one character changed (to any other character, printable or not). */
const mutated = fc
  .tuple(fc.constantFrom(...KINDS), fc.nat({ max: SECRET_LENGTH - 1 }), fc.oneof(fc.constantFrom(...ALPHABET), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })))
  .map(([kind, at, ch]) => {
    const secret = generateSecret(kind);
    return { secret, changed: secret.slice(0, at) + ch + secret.slice(at + 1) };
  })
  .filter(({ secret, changed }) => secret !== changed);

describe('token format and checksum (properties)', () => {
  let lifecycle: TokenLifecycle;
  let calls: () => number;
  const issued: string[] = [];

  beforeAll(async () => {
    const counting = countingStore();
    calls = counting.calls;
    lifecycle = createTokenLifecycle(counting.store, parseConfig({}, 'test'), Date.now);
    for (const kind of TOKEN_KINDS) issued.push((await lifecycle.issue({ app: 'a1', kind, name: `t-${kind}`, scopes: [], createdBy: 'test' })).token);
  });

  it('parses every generated secret back to its own kind', () => {
    fc.assert(fc.property(fc.constantFrom(...KINDS), (kind) => {
      expect(parseSecret(generateSecret(kind))).toBe(kind);
    }), RUNS);
  });

  it('rejects any one-character change, and the lifecycle refuses it without a single store call', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async ({ changed }) => {
        expect(parseSecret(changed)).toBeNull();
        const before = calls();
        expect(await lifecycle.verify(changed)).toEqual({ ok: false, reason: 'unknown' });
        expect(calls()).toBe(before);
      }),
      RUNS,
    );
  });

  it('rejects a one-character change of an issued token without a store call', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...issued), fc.nat({ max: SECRET_LENGTH - 1 }), fc.constantFrom(...ALPHABET), async (token, at, ch) => {
        fc.pre(token[at] !== ch);
        const before = calls();
        const result = await lifecycle.verify(token.slice(0, at) + ch + token.slice(at + 1));
        expect(result.ok).toBe(false);
        expect(calls()).toBe(before);
      }),
      RUNS,
    );
  });

  it('accepts no well-formed token that was not issued (a store lookup, then unknown)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KINDS), async (kind) => {
        expect(await lifecycle.verify(generateSecret(kind))).toEqual({ ok: false, reason: 'unknown' });
      }),
      RUNS,
    );
  });

  it('accepts no arbitrary string, and only calls the store for well-formed token kinds', async () => {
    const candidate = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 43, maxLength: 43 }).chain((body) => fc.constantFrom(...'aiokszx').map((l) => `tg_${l}_${body}AAAAAA`)),
    );
    await fc.assert(
      fc.asyncProperty(candidate, async (value) => {
        const before = calls();
        expect((await lifecycle.verify(value)).ok).toBe(false);
        const kind = parseSecret(value);
        if (kind === null || kind === 'apiKey' || kind === 'clientSecret') expect(calls()).toBe(before);
      }),
      RUNS,
    );
  });

  it('still accepts the issued tokens (the spy sees their lookups)', async () => {
    for (const token of issued) {
      const before = calls();
      expect((await lifecycle.inspect(token)).ok).toBe(true);
      expect(calls()).toBeGreaterThan(before);
    }
  });
});
