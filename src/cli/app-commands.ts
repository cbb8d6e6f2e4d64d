/** `tollgate app create|list|revoke` over the admin API. */
import type { Command } from 'commander';
import { callAdmin, list, print, table, withAdminOptions } from './admin-client.js';

export function registerAppCommands(program: Command): void {
  const app = program.command('app').description('manage applications (tokens are bound to one app)');

  withAdminOptions(app.command('create <id>').description('create an app'))
    .requiredOption('--name <name>', 'display name')
    .option('--scopes <list>', 'scopes its tokens may carry (comma-separated)', list, [])
    .option('--origins <list>', 'allowed Origin values for key exchange', list, [])
    .option('--token-ttl <duration>', 'default api token lifetime, e.g. 30d')
    .action(async (id: string, o) => {
      const body = { id, name: o.name, scopes: o.scopes, origins: o.origins, ...(o.tokenTtl ? { tokenTtl: o.tokenTtl } : {}) };
      const created = await callAdmin(o, 'POST', '/apps', body);
      print(o, created, () => `created app ${created.id} (scopes: ${created.scopes.join(' ') || 'none'})`);
    });

  withAdminOptions(app.command('list').description('list apps')).action(async (o) => {
    const { items } = await callAdmin(o, 'GET', '/apps');
    print(o, items, () => table([['ID', 'NAME', 'SCOPES'], ...items.map((a: any) => [a.id, a.name, a.scopes.join(' ')])]));
  });

  withAdminOptions(app.command('revoke <id>').alias('delete').description('delete an app and revoke every token it holds')).action(async (id: string, o) => {
    await callAdmin(o, 'DELETE', `/apps/${encodeURIComponent(id)}`);
    print(o, { deleted: id }, () => `deleted app ${id} and revoked its tokens`);
  });
}
