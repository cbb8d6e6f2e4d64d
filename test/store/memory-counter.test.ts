import { describe, expect, it } from 'vitest';
import { createMemoryCounter } from '../../src/store/memory-counter.js';
import { describeCounterContract } from './counter.contract.js';

describeCounterContract('memory', false, async () => ({ counter: createMemoryCounter(), cleanup: async () => {} }));

describe('memory counter bounds', () => {
  it('keeps counting recent keys across a generation swap: no clear() cliff', async () => {
    const counter = createMemoryCounter();
    for (let i = 0; i < 120_000; i++) await counter.increment(`k${i}`, 60_000);
    // The last keys are in the newest generation or the one before: still counted, not reset.
    expect((await counter.increment('k119999', 60_000)).count).toBe(2);
    expect((await counter.increment('k100001', 60_000)).count).toBe(2);
  });
});
