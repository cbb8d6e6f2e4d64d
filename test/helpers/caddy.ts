/**
 * Debian's Caddy as a forward-auth ingress, run from a temp dir with the repository's
 * examples/forward-auth/Caddyfile (site, tollgate and app addresses replaced by loopback ports),
 * its admin endpoint off and its data, config and autosave inside the temp dir.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locate, TOOLS } from './debian-tool.js';
import { freePort } from './redis-server.js';
import { serverDir, spawnServer, type SpawnedServer } from './spawned-server.js';

const EXAMPLE = 'examples/forward-auth/Caddyfile';

/** The example Caddyfile, served on a loopback port over plain HTTP and pointed at loopback ports. */
export function caddyExample(ports: { listen: number; tollgate: number; app: number }, example = readFileSync(EXAMPLE, 'utf8')): string {
  const out = example
    .replace('api.example.com {', `http://:${ports.listen} {\n\tbind 127.0.0.1`)
    .replace('forward_auth tollgate:8080 {', `forward_auth 127.0.0.1:${ports.tollgate} {`)
    .replace('reverse_proxy app:8080', `reverse_proxy 127.0.0.1:${ports.app}`);
  if (out.split('127.0.0.1').length !== 4) throw new Error(`${EXAMPLE} no longer has the addresses the test replaces`);
  return `{\n\tadmin off\n\tauto_https off\n}\n${out}`;
}

/** `example` replaces the repository's Caddyfile, for a test of what a plainer configuration lets through. */
export async function startCaddy(ports: { tollgate: number; app: number }, example?: string): Promise<SpawnedServer> {
  const dir = serverDir('caddy');
  const listen = await freePort();
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, caddyExample({ listen, ...ports }, example));
  const env = { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  return spawnServer(dir, listen, locate(TOOLS.caddy)!, ['run', '--config', file, '--adapter', 'caddyfile'], env);
}
