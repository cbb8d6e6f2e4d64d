/**
 * Counters and histograms for the request path that cost an array write per observation:
 * children are created once per label set and hold plain numbers, and prom-client reads them
 * only at scrape time (they register as ordinary metrics: `get()` in prom-client's shape).
 * prom-client's own children hash their label set on every `inc`/`observe`.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

export interface FastCounterChild {
  inc(by?: number): void;
}
export interface FastHistogramChild {
  observe(value: number): void;
}

interface MetricSpec<N extends string> {
  name: string;
  help: string;
  labelNames: readonly N[];
  registers: Registry[];
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const labels: Labels = {};
  names.forEach((name, i) => (labels[name] = values[i]!));
  return labels;
}

/** Children memoized by their joined label values; values are bounded (route names, reasons, codes). */
function childrenOf<T>(make: (values: string[]) => T): (values: string[]) => T {
  const children = new Map<string, T>();
  return (values) => {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) children.set(key, (child = make(values)));
    return child;
  };
}

export function createFastCounter<N extends string>(spec: MetricSpec<N>) {
  const series: { labels: Labels; value: number }[] = [];
  const child = childrenOf<FastCounterChild>((values) => {
    const entry = { labels: labelsOf(spec.labelNames, values), value: 0 };
    series.push(entry);
    return { inc: (by = 1) => void (entry.value += by) };
  });
  const metric = {
    name: spec.name,
    help: spec.help,
    type: 'counter' as const,
    aggregator: 'sum' as const,
    labels: (...values: string[]) => child(values),
    get: async () => ({ name: spec.name, help: spec.help, type: 'counter' as const, aggregator: 'sum' as const, values: series.map((s) => ({ labels: s.labels, value: s.value })) }),
    reset: () => series.forEach((s) => (s.value = 0)),
  };
  for (const registry of spec.registers) registry.registerMetric(metric as never);
  return metric;
}

export function createFastHistogram<N extends string>(spec: MetricSpec<N> & { buckets: readonly number[] }) {
  const bounds = [...spec.buckets].sort((a, b) => a - b);
  const series: { labels: Labels; counts: Float64Array; sum: number; count: number }[] = [];
  const child = childrenOf<FastHistogramChild>((values) => {
    const entry = { labels: labelsOf(spec.labelNames, values), counts: new Float64Array(bounds.length), sum: 0, count: 0 };
    series.push(entry);
    return {
      observe(value) {
        entry.sum += value;
        entry.count++;
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]!) {
            entry.counts[i]!++;
            return;
          }
        }
      },
    };
  });
  const unlabelled = spec.labelNames.length === 0 ? child([]) : null;

  function values() {
    const out: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const s of series) {
      let cumulative = 0;
      bounds.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        out.push({ labels: { le: bound, ...s.labels }, value: cumulative, metricName: `${spec.name}_bucket` });
      });
      out.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${spec.name}_bucket` });
      out.push({ labels: s.labels, value: s.sum, metricName: `${spec.name}_sum` });
      out.push({ labels: s.labels, value: s.count, metricName: `${spec.name}_count` });
    }
    return out;
  }

  const metric = {
    name: spec.name,
    help: spec.help,
    type: 'histogram' as const,
    aggregator: 'sum' as const,
    labels: (...values: string[]) => child(values),
    /** For a histogram without labels. */
    observe: (value: number) => unlabelled!.observe(value),
    get: async () => ({ name: spec.name, help: spec.help, type: 'histogram' as const, aggregator: 'sum' as const, values: values() }),
    reset: () => series.forEach((s) => ((s.counts.fill(0), (s.sum = 0), (s.count = 0)))),
  };
  for (const registry of spec.registers) registry.registerMetric(metric as never);
  return metric;
}
