/** `tollgate key create|list|revoke`: API keys for key exchange, over the admin API. */
import type { Command } from 'commander';
import { callAdmin, list, print, table, withAdminOptions } from './admin-client.js';

const path = (app: string, id?: string) => `/apps/${encodeURIComponent(app)}/api-keys${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;

export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description('manage API keys (exchanged at /oauth/key for access tokens)');

  withAdminOptions(key.command('create').description('create an API key; it is printed once'))
    .requiredOption('--app <id>', 'the app')
    .requiredOption('--name <name>', 'display name')
    .option('--scopes <list>', 'scopes of the tokens it yields (default: all of the app\'s)', list)
    .option('--token-ttl <duration>', 'lifetime of the tokens it yields (default 4h)')
    .action(async (o) => {
      const body = { name: o.name, ...(o.scopes ? { scopes: o.scopes } : {}), ...(o.tokenTtl ? { tokenTtl: o.tokenTtl } : {}) };
      const created = await callAdmin(o, 'POST', path(o.app), body);
      print(o, created, () => [`created API key ${created.id} "${created.name}" for app ${created.app}`, '', `  ${created.key}`, '', 'This is the only time the key is shown.'].join('\n'));
    });

  withAdminOptions(key.command('list').description('list an app\'s API keys (never the keys themselves)'))
    .requiredOption('--app <id>', 'the app')
    .action(async (o) => {
      const { items } = await callAdmin(o, 'GET', path(o.app));
      print(o, items, () => table([['ID', 'NAME', 'SCOPES', 'TOKEN TTL', 'CREATED BY', 'CREATED'], ...items.map((k: any) => [k.id, k.name, k.scopes.join(' '), `${k.tokenTtl}s`, k.createdBy, k.createdAt])]));
    });

  withAdminOptions(key.command('revoke <id>').alias('delete').description('revoke an API key and the tokens it yielded'))
    .requiredOption('--app <id>', 'the app')
    .action(async (id: string, o) => {
      await callAdmin(o, 'DELETE', path(o.app, id));
      print(o, { revoked: id }, () => `revoked API key ${id} and its tokens`);
    });
}
