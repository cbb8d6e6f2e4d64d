/**
 * prom-client children memoized by their label values in nested Maps, so the hot path looks a
 * child up instead of building and hashing a label set on every request. Label values are
 * bounded (route names from the config, fixed reasons, known methods, status codes).
 */
type Key = string | number;

export function memoChildren<A extends Key, T>(make: (a: A) => T): (a: A) => T;
export function memoChildren<A extends Key, B extends Key, C extends Key, T>(make: (a: A, b: B, c: C) => T): (a: A, b: B, c: C) => T;
export function memoChildren<A extends Key, B extends Key, C extends Key, D extends Key, T>(make: (a: A, b: B, c: C, d: D) => T): (a: A, b: B, c: C, d: D) => T;
export function memoChildren<T>(make: (...values: Key[]) => T): (...values: Key[]) => T {
  const root = new Map<Key, unknown>();
  return (...values) => {
    let node = root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]!) as Map<Key, unknown> | undefined;
      if (!next) node.set(values[i]!, (next = new Map()));
      node = next;
    }
    let child = node.get(values[last]!) as T | undefined;
    if (child === undefined) node.set(values[last]!, (child = make(...values)));
    return child;
  };
}
