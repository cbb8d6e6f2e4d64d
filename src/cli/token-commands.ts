/** `tollgate token create|list|revoke` over the admin API. */
import type { Command } from 'commander';
import { callAdmin, list, print, table, withAdminOptions } from './admin-client.js';

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage api and installation tokens');

  withAdminOptions(token.command('create').description('create a token; its secret is printed once'))
    .requiredOption('--app <id>', 'the app the token is bound to')
    .requiredOption('--name <name>', 'a name unique among the app\'s live tokens')
    .option('--kind <kind>', 'api or install', 'api')
    .option('--scopes <list>', 'scopes (comma-separated, a subset of the app\'s)', list, [])
    .option('--ttl <duration>', 'lifetime, e.g. 30d (api tokens slide it on each use)')
    .option('--subject <subject>', 'who the token acts as (default: you)')
    .action(async (o) => {
      const body = { name: o.name, kind: o.kind, scopes: o.scopes, ...(o.ttl ? { ttl: o.ttl } : {}), ...(o.subject ? { subject: o.subject } : {}) };
      const created = await callAdmin(o, 'POST', `/apps/${encodeURIComponent(o.app)}/tokens`, body);
      print(o, created, () => [`created ${created.kind} token ${created.id} "${created.name}" for app ${created.app}, expires ${created.expiresAt ?? 'never'}`, '', `  ${created.token}`, '', 'This is the only time the token is shown.'].join('\n'));
    });

  withAdminOptions(token.command('list').description('list an app\'s live tokens (never their secrets)'))
    .requiredOption('--app <id>', 'the app')
    .option('--limit <n>', 'page size', '100')
    .option('--all', 'follow every page')
    .action(async (o) => {
      const items: any[] = [];
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({ limit: o.limit, ...(cursor ? { cursor } : {}) });
        const page = await callAdmin(o, 'GET', `/apps/${encodeURIComponent(o.app)}/tokens?${query}`);
        items.push(...page.items);
        cursor = o.all ? page.nextCursor : undefined;
      } while (cursor);
      print(o, items, () => table([['ID', 'NAME', 'KIND', 'SCOPES', 'CREATED BY', 'LAST USED', 'EXPIRES'], ...items.map((t) => [t.id, t.name, t.kind, t.scopes.join(' '), t.createdBy, t.lastUsedAt ?? '-', t.expiresAt ?? 'never'])]));
    });

  withAdminOptions(token.command('revoke <id>').description('revoke a token'))
    .requiredOption('--app <id>', 'the app the token belongs to')
    .action(async (id: string, o) => {
      await callAdmin(o, 'DELETE', `/apps/${encodeURIComponent(o.app)}/tokens/${encodeURIComponent(id)}`);
      print(o, { revoked: id }, () => `revoked ${id}`);
    });
}
