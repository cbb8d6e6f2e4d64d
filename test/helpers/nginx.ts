/**
 * Debian's nginx as a forward-auth ingress, run in the foreground from a temp dir with the repository's
 * examples/forward-auth/nginx.conf (tollgate, app and listen addresses replaced by loopback ports).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locate, TOOLS } from './debian-tool.js';
import { freePort } from './redis-server.js';
import { serverDir, spawnServer, type SpawnedServer } from './spawned-server.js';

const EXAMPLE = 'examples/forward-auth/nginx.conf';
const DECISION_HEADERS = 'examples/forward-auth/tollgate-decision-headers.conf';

/** The example's server block and upstreams, pointed at loopback ports. */
export function nginxExample(ports: { listen: number; tollgate: number; app: number }): string {
  const text = readFileSync(EXAMPLE, 'utf8');
  const out = text
    .replace('server tollgate:8080;', `server 127.0.0.1:${ports.tollgate};`)
    .replace('server app:8080;', `server 127.0.0.1:${ports.app};`)
    .replace('listen 80;', `listen 127.0.0.1:${ports.listen};`);
  if (out.split('127.0.0.1:').length !== 4) throw new Error(`${EXAMPLE} no longer has the addresses the test replaces`);
  return out;
}

export async function startNginx(ports: { tollgate: number; app: number }): Promise<SpawnedServer> {
  const dir = serverDir('nginx');
  const listen = await freePort();
  writeFileSync(join(dir, 'forward-auth.conf'), nginxExample({ listen, ...ports }));
  copyFileSync(DECISION_HEADERS, join(dir, 'tollgate-decision-headers.conf'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(dir, kind)};`).join('\n');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;\nerror_log ${join(dir, 'error.log')} warn;\nevents { worker_connections 256; }\nhttp {\n  access_log ${join(dir, 'access.log')};\n${temp}\n  include forward-auth.conf;\n}\n`,
  );
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`];
  return spawnServer(dir, listen, locate(TOOLS.nginx)!, args);
}
