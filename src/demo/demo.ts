/** `tollgate serve --demo`: embedded store, a demo app and route to a built-in echo upstream, ready tokens. */
import type { Config } from '../config/schema.js';
import { parseConfig } from '../config/load.js';
import type { Gateway } from '../main.js';
import { bootstrapAdminToken } from '../tokens/admin-bootstrap.js';
import { systemClock } from '../types.js';

export const DEMO_APP = 'demo';

/** The demo's config: one protected route and one public route to the echo upstream. */
export function demoConfig(upstream: string, env: Record<string, string | undefined>): Config {
  return parseConfig(
    {
      listen: { host: '127.0.0.1', port: 8080 },
      log: { level: 'warn' },
      routes: [
        { name: 'demo', match: { path: '/demo/*' }, upstream, app: DEMO_APP, scopes: ['demo.read'], kinds: ['api', 'access'] },
        { name: 'demo-public', match: { path: '/public/*' }, upstream, auth: 'none' },
      ],
    },
    'demo',
    env,
  );
}

/** Creates the demo app, an admin token and a demo token; returns the lines to print. */
export async function prepareDemo(gateway: Gateway): Promise<string[]> {
  const { store, lifecycle } = gateway;
  if (!(await store.getApp(DEMO_APP))) {
    await store.createApp({ id: DEMO_APP, name: 'Demo application', scopes: ['demo.read', 'demo.write'], origins: [], createdAt: systemClock() });
  }
  const admin = await bootstrapAdminToken(store, lifecycle, systemClock, { name: `demo-admin-${Date.now()}` });
  const demo = await lifecycle.issue({ app: DEMO_APP, kind: 'api', name: `demo-${Date.now()}`, scopes: ['demo.read'], createdBy: 'demo' });
  const { main, admin: adminUrl } = gateway.urls;
  return [
    `tollgate is running: proxy ${main}, admin API ${adminUrl}/admin/v1, metrics ${gateway.urls.metrics}/metrics`,
    '',
    `admin token (shown once): ${admin.token}`,
    `demo token  (shown once): ${demo.token}`,
    '',
    'Try it:',
    `  curl -i -H "Authorization: Bearer ${demo.token}" ${main}/demo/hello     # 200, reaches the echo upstream`,
    `  curl -i ${main}/demo/hello                                               # 401, no token`,
    `  curl -s -H "Authorization: Bearer ${admin.token}" ${adminUrl}/admin/v1/apps/demo/tokens`,
    `  web console: ${adminUrl}/console  (sign in with the admin token)`,
    '',
    'Press Ctrl-C to stop. The embedded store keeps nothing on restart.',
  ];
}
