/** The Counter contract: memory and Redis count the same way. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counter } from '../../src/store/counter.js';

export interface CounterUnderTest {
  counter: Counter;
  cleanup(): Promise<void>;
}

export function describeCounterContract(name: string, shared: boolean, make: () => Promise<CounterUnderTest>): void {
  describe(`Counter contract: ${name}`, () => {
    let sut: CounterUnderTest;
    const key = () => `{k-${randomBytes(4).toString('hex')}}`;

    beforeAll(async () => {
      sut = await make();
    });
    afterAll(async () => sut.cleanup());

    it(`says whether replicas share it (${shared})`, () => {
      expect(sut.counter.shared).toBe(shared);
    });

    it('counts hits per key in one window that ends windowMs after the first hit', async () => {
      const k = key();
      const before = Date.now();
      const first = await sut.counter.increment(k, 60_000);
      expect(first.count).toBe(1);
      expect(first.resetAt).toBeGreaterThanOrEqual(before + 59_000);
      expect(first.resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
      const second = await sut.counter.increment(k, 60_000);
      expect(second.count).toBe(2);
      expect(Math.abs(second.resetAt - first.resetAt)).toBeLessThan(1_000);
      expect((await sut.counter.increment(key(), 60_000)).count).toBe(1);
    });

    it('counts every one of many concurrent hits exactly once', async () => {
      const k = key();
      const results = await Promise.all(Array.from({ length: 50 }, () => sut.counter.increment(k, 60_000)));
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('starts a new window once the old one has ended', async () => {
      const k = key();
      await sut.counter.increment(k, 50);
      await sut.counter.increment(k, 50);
      await expect.poll(async () => (await sut.counter.increment(k, 50)).count, { interval: 60, timeout: 2_000 }).toBe(1);
    });
  });
}
