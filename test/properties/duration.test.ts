import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../../src/config/duration.js';

const RUNS = { numRuns: 10000 };
const UNIT = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

describe('duration parsing (properties)', () => {
  it('never throws, and any result is a whole number of ms within [0, 10 years]', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.anything()), (value) => {
        const parsed = parseDuration(value);
        if ('ms' in parsed) {
          expect(Number.isInteger(parsed.ms)).toBe(true);
          expect(parsed.ms).toBeGreaterThanOrEqual(0);
          expect(parsed.ms).toBeLessThanOrEqual(MAX_DURATION_MS);
        } else {
          expect(parsed.error.length).toBeLessThan(200);
        }
      }),
      RUNS,
    );
  });

  it('reads <n><unit> as n times the unit, and refuses what exceeds the cap', () => {
    fc.assert(
      fc.property(fc.nat({ max: 5_000_000 }), fc.constantFrom(...(Object.keys(UNIT) as (keyof typeof UNIT)[])), fc.constantFrom('', ' '), (n, unit, pad) => {
        const parsed = parseDuration(`${pad}${n}${unit}${pad}`);
        const ms = n * UNIT[unit];
        expect(parsed).toEqual(ms > MAX_DURATION_MS ? { error: 'duration longer than 10 years' } : { ms });
      }),
      RUNS,
    );
  });

  it('reads numbers as seconds and refuses negatives, NaN and infinities', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), (seconds) => {
        const parsed = parseDuration(seconds);
        if (!Number.isFinite(seconds) || seconds < 0 || seconds * 1000 > MAX_DURATION_MS) expect('error' in parsed).toBe(true);
        else expect(parsed).toEqual({ ms: Math.round(seconds * 1000) });
      }),
      RUNS,
    );
  });

  it('round-trips through formatDuration', () => {
    fc.assert(
      fc.property(fc.nat({ max: MAX_DURATION_MS }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ ms });
      }),
      RUNS,
    );
  });

  it('refuses signs, exponents, hex, unknown units and surrounding junk', () => {
    const junk = fc.constantFrom('-1s', '+1s', '1e3s', '0x10s', '1 s', '1S', '1sec', '1w', '1y', 's', '.5s', '1.s', '1s1', '1ms ms', '∞s', '١s');
    fc.assert(
      fc.property(junk, (value) => {
        expect('error' in parseDuration(value)).toBe(true);
      }),
      RUNS,
    );
  });
});
