/** Dates and durations as the tables show them. */

const UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** Time left until `iso`: "29 days", "5 hours", "Expired", or "Never" for tokens without expiry. */
export function timeLeft(iso: string | null, now = Date.now()): string {
  if (iso === null) return 'Never';
  const left = Date.parse(iso) - now;
  if (left <= 0) return 'Expired';
  for (const [unit, ms] of UNITS) {
    const n = Math.floor(left / ms);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'Under a minute';
}

const EXACT: Array<[string, number]> = [['day', 86_400], ['hour', 3_600], ['minute', 60], ['second', 1]];

/** A lifetime in seconds in the largest unit that divides it exactly: "1 hour", "10 minutes", "90 seconds". */
export function lifetime(seconds: number): string {
  const [unit, size] = EXACT.find(([, s]) => seconds % s === 0) ?? ['second', 1];
  const n = seconds / size;
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A date in the reader's locale, or "Never" for a time that has not happened. */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return 'Never';
  return new Date(iso).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
