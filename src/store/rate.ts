/** Rates as the config writes them (`100/s`, `600/m`, `1000/h`): a count per fixed window. */

const WINDOW_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** `100/s` → 100 hits per 1 s window. The config schema has already checked the shape. */
export function parseRate(rate: string): { max: number; windowMs: number } {
  const slash = rate.indexOf('/');
  return { max: Number(rate.slice(0, slash)), windowMs: WINDOW_MS[rate.slice(slash + 1)]! };
}
