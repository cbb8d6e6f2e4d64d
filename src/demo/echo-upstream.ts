/** A tiny upstream for the demo: echoes the request line and the identity headers tollgate added. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startEchoUpstream(port = 0, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const identity: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (name.startsWith('x-auth-') && typeof value === 'string') identity[name] = value;
    const body = JSON.stringify({ upstream: 'echo', method: req.method, path: req.url, identity, requestId: req.headers['x-request-id'] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}
