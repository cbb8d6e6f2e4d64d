import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { createTouchSchedule, touchSpacing } from '../../src/tokens/touch-schedule.js';
import type { TokenRecord } from '../../src/types.js';

const SECOND = 1_000;
const DAY = 86_400_000;

function record(id: string, ttl: number, lastUsedAt?: number): TokenRecord {
  return {
    id, hash: 'h', name: 'n', app: 'a', kind: 'api', scopes: [], subject: 's', createdBy: 'x', createdAt: 0,
    expiresAt: ttl, ttl, sliding: true, ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
  };
}

/**
 * A token in the store, touched by replicas that each keep their own schedule (and may lose it,
 * as a restarted replica does). A touch sent at `sent` lands `delay` later, as the store's TOUCH
 * script applies it: expiry slides to sent + ttl, lastUsedAt = sent.
 */
class Simulation {
  expiresAt: number;
  lastUsedAt: number | undefined;
  private landing: { at: number; sent: number }[] = [];

  constructor(readonly ttl: number) {
    this.expiresAt = ttl;
  }

  /** The store as it is at `now`: every touch that landed by then applied. */
  seen(now: number): TokenRecord {
    for (const touch of this.landing.filter((t) => t.at <= now)) {
      if (touch.sent < this.expiresAt) {
        this.expiresAt = Math.max(this.expiresAt, touch.sent + this.ttl);
        this.lastUsedAt = Math.max(this.lastUsedAt ?? 0, touch.sent);
      }
    }
    this.landing = this.landing.filter((t) => t.at > now);
    return record('tok', this.ttl, this.lastUsedAt);
  }

  send(now: number, delay: number): void {
    this.landing.push({ at: now + delay, sent: now });
  }
}

describe('touch schedule', () => {
  it('property: a token used at least once per ttl/2 never expires, whatever touchInterval, replicas and write latency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60 * SECOND, max: 30 * DAY }),
        fc.integer({ min: 0, max: 7 * DAY }),
        fc.integer({ min: 0, max: 15 * SECOND - 1 }),
        fc.array(fc.record({ gap: fc.double({ min: 0, max: 0.5, noNaN: true }), replica: fc.nat({ max: 2 }), restart: fc.boolean(), latency: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 60 }),
        (ttl, touchInterval, timeout, uses) => {
          fc.pre(timeout * 4 < ttl);
          const replicas = [0, 1, 2].map(() => createTouchSchedule(touchInterval));
          const sim = new Simulation(ttl);
          let now = 0;
          for (const use of uses) {
            now += Math.max(1, Math.floor(use.gap * ttl));
            const seen = sim.seen(now);
            expect(now).toBeLessThan(sim.expiresAt);
            if (use.restart) replicas[use.replica] = createTouchSchedule(touchInterval);
            if (replicas[use.replica]!.due(seen, now)) sim.send(now, Math.floor(use.latency * timeout));
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('property: the spacing is never more than touchInterval nor ttl/4 for sliding tokens, and positive for ttl >= 60 s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60 * SECOND, max: 3650 * DAY }), fc.integer({ min: 1, max: 3650 * DAY }), (ttl, interval) => {
        const spacing = touchSpacing({ ttl, sliding: true }, interval);
        expect(spacing).toBeLessThanOrEqual(interval);
        expect(spacing).toBeLessThanOrEqual(ttl / 4);
        expect(spacing).toBeGreaterThan(0);
        expect(touchSpacing({ ttl, sliding: false }, interval)).toBe(interval);
      }),
    );
  });

  it('refuses configurations where the rule cannot hold, naming the field', () => {
    expect(() => parseConfig({ tokens: { ttl: '59s' } })).toThrow(/tokens\.ttl: must be at least 60s/);
    expect(() => parseConfig({ store: { timeout: '15s' } })).toThrow(/store\.timeout: must be under 15s/);
    expect(parseConfig({ tokens: { ttl: '60s', touchInterval: '1d' }, store: { timeout: '14s' } }).tokens.ttl).toBe(60_000);
  });

  it('coalesces the issue 12 case (ttl 60 s, default interval): uses at 0, 30 and 50 s are all written', () => {
    const schedule = createTouchSchedule(parseConfig({}).tokens.touchInterval);
    const token = record('t', 60 * SECOND);
    expect([0, 10, 30, 40, 50].map((s) => schedule.due(token, s * SECOND))).toEqual([true, false, true, false, true]);
  });

  it('backs off after a failed write instead of retrying on the next request, and resets on success', () => {
    const schedule = createTouchSchedule(60 * SECOND);
    const token = record('t', DAY);
    expect(schedule.due(token, 0)).toBe(true);
    schedule.failed('t', 250);
    expect(schedule.due(token, 300)).toBe(false);
    expect(schedule.due(token, 1_249)).toBe(false);
    expect(schedule.due(token, 1_250)).toBe(true);
    schedule.failed('t', 1_500);
    expect(schedule.due(token, 3_499)).toBe(false);
    expect(schedule.due(token, 3_500)).toBe(true);
    for (let i = 0; i < 10; i++) schedule.failed('t', 10_000);
    expect(schedule.due(token, 69_999)).toBe(false);
    expect(schedule.due(token, 70_000)).toBe(true);
    schedule.succeeded('t');
    schedule.failed('t', 80_000);
    expect(schedule.due(token, 81_000)).toBe(true);
  });

  it('counts a write by another replica (lastUsedAt) as its own', () => {
    const schedule = createTouchSchedule(60 * SECOND);
    expect(schedule.due(record('t', DAY, 100_000), 130_000)).toBe(false);
    expect(schedule.due(record('t', DAY, 100_000), 160_000)).toBe(true);
  });

  it('stays bounded without a cliff: a full generation is retired whole, the newer one kept', () => {
    const schedule = createTouchSchedule(60 * SECOND);
    for (let i = 0; i < 250_000; i++) schedule.due(record(`t${i}`, DAY), 0);
    expect(schedule.size).toBeLessThanOrEqual(100_000);
    // The most recent tokens are still remembered: no write burst for them.
    expect(schedule.due(record('t249999', DAY), 1_000)).toBe(false);
    expect(schedule.due(record('t200001', DAY), 1_000)).toBe(false);
  });
});
