/**
 * The benchmark's upstream: plain node:http answering a small JSON body. Prints its port.
 * It answers at once and builds nothing per request (as ../shared/bench's upstream does): the direct
 * configuration must outrun every proxy by the bench's headroom bar, so the upstream's own cost stays small.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from(JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] }));
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
const server = createServer((req, res) => {
  // Drained, not waited for: the answer does not depend on the body.
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
// Exit normally on SIGTERM so `--cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
