import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url === '/trickle') {
      // Each chunk comes well inside the route timeout; the whole response takes several timeouts.
      res.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`chunk${sent}\n`);
        if (++sent === 8) {
          clearInterval(timer);
          res.end();
        }
      }, 40);
      return;
    }
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('started\n');
      return;
    }
  });
  gw = await startTestGateway({
    routes: [{ name: 'slow', match: { path: '/slow/*' }, upstream: upstream.url, stripPrefix: '/slow', app: 'edge', timeout: '150ms' }],
  });
  expect((await gw.admin('POST', '/apps', { id: 'edge', name: 'edge', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/edge/tokens', { name: 'svc', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('route timeout is an idle timeout on the upstream exchange', () => {
  it('keeps a response whose upstream keeps sending, however long it takes in total', async () => {
    const res = await fetch(`${gw.url}/slow/trickle`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n').filter(Boolean)).toHaveLength(8);
  });

  it('cuts a response whose upstream goes quiet after its headers', async () => {
    const res = await fetch(`${gw.url}/slow/stall`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});
