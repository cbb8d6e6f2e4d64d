/**
 * Debian's Caddy (forward_auth) with examples/forward-auth/Caddyfile in front of a real app, asking a real
 * tollgate for every decision; and what Caddy's plainest forward_auth (as Caddy documents it) lets through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaddy } from '../helpers/caddy.js';
import { requireTools, TOOLS } from '../helpers/debian-tool.js';
import { forwardAuthContract } from '../helpers/forward-auth-contract.js';
import { startForwardAuthStack, type ForwardAuthStack } from '../helpers/forward-auth-stack.js';
import { httpRequest } from '../helpers/http.js';
import type { SpawnedServer } from '../helpers/spawned-server.js';

const HAVE_CADDY = requireTools('the Caddy forward-auth test', TOOLS.caddy);

forwardAuthContract('Caddy forward_auth', 'caddy', HAVE_CADDY, (ports) => startCaddy(ports));

/** forward_auth with nothing but uri and copy_headers: Caddy passes every client header to the decision. */
const PLAIN = `api.example.com {
\tforward_auth tollgate:8080 {
\t\turi /auth/verify
\t\tcopy_headers X-Auth-App X-Auth-Subject X-Auth-Scopes X-Auth-Token-Id X-Auth-Client-Id
\t}
\treverse_proxy app:8080
}
`;

describe.skipIf(!HAVE_CADDY)("Caddy's plain forward_auth in front of tollgate", () => {
  let stack: ForwardAuthStack;
  let caddy: SpawnedServer;

  beforeAll(async () => {
    stack = await startForwardAuthStack('caddy');
    caddy = await startCaddy({ tollgate: stack.tollgatePort, app: stack.upstream.port }, PLAIN);
  }, 60_000);

  afterAll(async () => {
    await caddy?.stop();
    await stack?.close();
  });

  // Caddy sets X-Forwarded-Uri and passes the client's X-Original-URI beside it; tollgate must judge the
  // request Caddy forwards, not the path the client names (issue 14: "a client cannot ask for a decision
  // about a path of its choice").
  it('a client-sent X-Original-URI does not choose the path judged', async () => {
    const res = await httpRequest(`${caddy.url}/api/secret`, { headers: ['X-Original-URI', '/public/x'] });
    expect(res.status).toBe(401);
    expect(stack.upstream.requests.filter((r) => r.url === '/api/secret')).toEqual([]);
  });
});
