import { describe, expect, it } from 'vitest';
import { lifetime, shortDate, timeLeft } from '../../src/console/time-format.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(now + ms).toISOString();

describe('console time formatting', () => {
  it.each([
    [30 * 86_400_000 - 1_000, '29 days'],
    [86_400_000, '1 day'],
    [5 * 3_600_000 + 59 * 60_000, '5 hours'],
    [3_600_000, '1 hour'],
    [12 * 60_000 + 30_000, '12 minutes'],
    [30_000, 'Under a minute'],
    [0, 'Expired'],
    [-1, 'Expired'],
  ])('shows %i ms left as "%s"', (ms, text) => {
    expect(timeLeft(at(ms), now)).toBe(text);
  });

  it.each([
    [3600, '1 hour'],
    [600, '10 minutes'],
    [90, '90 seconds'],
    [86_400 * 2, '2 days'],
    [60, '1 minute'],
  ])('shows a lifetime of %i s as "%s"', (seconds, text) => {
    expect(lifetime(seconds)).toBe(text);
  });

  it('shows tokens without expiry and dates that never happened as "Never"', () => {
    expect(timeLeft(null, now)).toBe('Never');
    expect(shortDate(null)).toBe('Never');
    expect(shortDate(undefined)).toBe('Never');
    expect(shortDate(at(0))).toMatch(/2026|2025/);
  });
});
