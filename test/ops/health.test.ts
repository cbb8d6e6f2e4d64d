/** The probes and the plain listeners' 404: probe answers are `{status}`, errors come from the edge's renderer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({}, 'memory');
});

afterAll(() => gw.close());

describe('health and not found', () => {
  it('answers the probes on the metrics listener with their status, never cached', async () => {
    for (const [path, body] of [['/healthz', { status: 'ok' }], ['/readyz', { status: 'ready', store: 'up' }]] as const) {
      const res = await fetch(`${gw.metricsUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual(body);
    }
  });

  it('answers an unknown path on the metrics listener with the one JSON error shape', async () => {
    const res = await fetch(`${gw.metricsUrl}/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'not_found', error_description: 'no such endpoint' });
  });
});
