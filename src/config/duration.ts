/** Durations in config and bodies: a number of seconds, or a string such as `250ms`, `60s`, `15m`, `2h`, `30d`. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
/** Ten years: bounds every duration so date arithmetic stays exact. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

/** Milliseconds for a duration value, or an error message explaining why it is not one. */
export function parseDuration(value: unknown): { ms: number } | { error: string } {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { error: 'expected a non-negative number of seconds' };
    ms = value * 1_000;
  } else if (typeof value === 'string') {
    const m = DURATION.exec(value.trim());
    if (!m) return { error: `expected a duration such as 250ms, 60s, 15m, 2h or 30d, got "${value.slice(0, 32)}"` };
    ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  } else {
    return { error: 'expected a duration (seconds, or a string such as 60s)' };
  }
  if (ms > MAX_DURATION_MS) return { error: 'duration longer than 10 years' };
  return { ms: Math.round(ms) };
}

/** Human form of a duration in ms, largest whole unit first (used in CLI output). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
