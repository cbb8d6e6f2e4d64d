import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    [30, 30_000], ['250ms', 250], ['60s', 60_000], ['15m', 900_000], ['2h', 7_200_000], ['30d', 2_592_000_000], ['1.5s', 1_500], [0, 0],
  ])('reads %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ms });
  });

  it.each([['10'], ['-5s'], ['5 s'], ['5w'], [-1], [Number.NaN], [null], [true], ['11000d']])('refuses %j with a message', (input) => {
    const result = parseDuration(input);
    expect('error' in result && result.error.length > 0).toBe(true);
  });

  it('formats back to the largest whole unit', () => {
    expect(formatDuration(2_592_000_000)).toBe('30d');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(250)).toBe('250ms');
  });
});
