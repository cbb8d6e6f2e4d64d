// The sample upstream for compose.yaml: answers every request with what it received,
// including the X-Auth-* identity headers tollgate adds (and proof that Authorization is gone).
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8009);
createServer((req, res) => {
  const body = JSON.stringify({ upstream: 'echo', method: req.method, path: req.url, headers: req.headers }, null, 2);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(port, '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
