/** The RevocationEvents contract: a publish reaches every subscriber that shares the backend, and subscribers learn when the feed is live. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevocationEvents } from '../../src/store/revocation-events.js';

export interface EventsUnderTest {
  /** Two handles on the same feed (two replicas, or one process twice). */
  publisher: RevocationEvents;
  subscriber: RevocationEvents;
  cleanup(): Promise<void>;
}

export function describeRevocationEventsContract(name: string, make: () => Promise<EventsUnderTest>): void {
  describe(`RevocationEvents contract: ${name}`, () => {
    let sut: EventsUnderTest;
    const heard: { id: string; age: number }[] = [];
    const states: boolean[] = [];

    beforeAll(async () => {
      sut = await make();
      sut.subscriber.subscribe({ revoked: (id, age) => heard.push({ id, age }), live: (up) => states.push(up) });
    });
    afterAll(async () => sut.cleanup());

    it('tells a new subscriber the feed state at once, then that it is live', async () => {
      expect(states.length).toBeGreaterThanOrEqual(1);
      await expect.poll(() => states.at(-1), { timeout: 5_000 }).toBe(true);
    });

    it('delivers every published id, with a small non-negative age', async () => {
      sut.publisher.publish('tok_a');
      sut.publisher.publish('tok_b');
      await expect.poll(() => heard.map((h) => h.id).sort(), { timeout: 5_000 }).toEqual(['tok_a', 'tok_b']);
      for (const { age } of heard) {
        expect(age).toBeGreaterThanOrEqual(0);
        expect(age).toBeLessThan(5);
      }
    });
  });
}
