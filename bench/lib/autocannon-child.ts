/** autocannon in its own process (the fallback when wrk is absent): one LoadSpec in argv, a LoadResult out. */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const values = spec.rotate ? readFileSync(spec.rotate.file, 'utf8').split('\n').filter(Boolean) : [];
let i = 0;
const [before = '', after = ''] = spec.rotate?.template.split('{}') ?? [];

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  method: spec.method ?? 'GET',
  headers: spec.headers ?? {},
  ...(spec.body === undefined ? {} : { body: spec.body }),
  ...(spec.rotate
    ? {
        requests: [
          {
            setupRequest: (req: { headers?: Record<string, string>; body?: string }) => {
              const value = before + values[i++ % values.length] + after;
              if (spec.rotate!.header) req.headers = { ...req.headers, [spec.rotate!.header]: value };
              else req.body = value;
              return req;
            },
          },
        ],
      }
    : {}),
});
const out: LoadResult = {
  requests: result.requests.total,
  rps: result.requests.average,
  p50ms: result.latency.p50,
  p99ms: result.latency.p99,
  errors: result.non2xx + result.errors,
};
process.stdout.write(JSON.stringify(out));
