/** `tollgate client create|list|get|delete|rotate` over the admin API. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { callAdmin, list, print, table, withAdminOptions } from './admin-client.js';
import { CliError, EXIT } from './cli-error.js';

const path = (app: string, id?: string) => `/apps/${encodeURIComponent(app)}/clients${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;

function readJwks(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`--jwks-file ${file}: ${(err as Error).message}`, EXIT.usage);
  }
}

function int(value: string): number {
  if (!/^\d+$/.test(value)) throw new CliError(`expected a whole number, got "${value}"`, EXIT.usage);
  return Number(value);
}

export function registerClientCommands(program: Command): void {
  const client = program.command('client').description('manage OAuth clients (client credentials)');

  withAdminOptions(client.command('create').description('create a client; its secret or private key is printed once'))
    .requiredOption('--app <id>', 'the app whose tokens the client gets')
    .requiredOption('--name <name>', 'display name')
    .option('--type <type>', 'personal (acts as --owner) or service (acts as --role)', 'service')
    .option('--owner <subject>', 'who a personal client acts as')
    .option('--role <role>', 'the service account role of a service client')
    .option('--auth <method>', 'client_secret or private_key_jwt', 'client_secret')
    .option('--scopes <list>', 'scopes the client may request (comma-separated)', list, [])
    .option('--token-ttl <duration>', 'access token lifetime, >= 60s (default 1h)')
    .option('--max-active-tokens <n>', 'live tokens the client may hold (default 10)', int)
    .option('--assertion-max-lifetime <duration>', 'longest accepted assertion lifetime, up to 24h (default 10m on /oauth/token, 1h on the HYPR exchange path)')
    .option('--on-token-cap <mode>', 'reject (429) or revoke_oldest')
    .option('--jwks-file <file>', 'public keys (a JWKS JSON file) for private_key_jwt')
    .option('--jwks-uri <url>', 'https URL of the client\'s public keys')
    .action(async (o) => {
      const body = {
        name: o.name,
        type: o.type,
        auth: o.auth,
        scopes: o.scopes,
        ...(o.owner ? { owner: o.owner } : {}),
        ...(o.role ? { role: o.role } : {}),
        ...(o.tokenTtl ? { tokenTtl: o.tokenTtl } : {}),
        ...(o.maxActiveTokens !== undefined ? { maxActiveTokens: o.maxActiveTokens } : {}),
        ...(o.assertionMaxLifetime ? { assertionMaxLifetime: o.assertionMaxLifetime } : {}),
        ...(o.onTokenCap ? { onTokenCap: o.onTokenCap } : {}),
        ...(o.jwksFile ? { jwks: readJwks(o.jwksFile) } : {}),
        ...(o.jwksUri ? { jwks_uri: o.jwksUri } : {}),
      };
      const created = await callAdmin(o, 'POST', path(o.app), body);
      print(o, created, () => {
        const lines = [`created ${created.type} client ${created.client_id} "${created.name}" for app ${created.app} (${created.auth})`];
        if (created.client_secret) lines.push('', `  client_id:     ${created.client_id}`, `  client_secret: ${created.client_secret}`);
        if (created.client_key) lines.push('', `  kid:        ${created.kid}`, `  client_key: ${created.client_key}`, '', `Sign assertions with: tollgate assertion --sub ${created.client_id} --kid ${created.kid} --key-base64 <client_key> --aud <issuer>`);
        if (created.client_secret || created.client_key) lines.push('', 'This is the only time the secret is shown.');
        return lines.join('\n');
      });
    });

  withAdminOptions(client.command('list').description('list an app\'s clients (never their secrets)'))
    .requiredOption('--app <id>', 'the app')
    .action(async (o) => {
      const { items } = await callAdmin(o, 'GET', path(o.app));
      print(o, items, () => table([['CLIENT ID', 'NAME', 'TYPE', 'ACTS AS', 'AUTH', 'SCOPES'], ...items.map((c: any) => [c.client_id, c.name, c.type, c.owner ?? `service:${c.role}`, c.auth, c.scopes.join(' ')])]));
    });

  withAdminOptions(client.command('get <id>').description('show one client'))
    .requiredOption('--app <id>', 'the app')
    .action(async (id: string, o) => {
      const c = await callAdmin(o, 'GET', path(o.app, id));
      print(o, c, () => Object.entries(c).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n'));
    });

  withAdminOptions(client.command('delete <id>').alias('revoke').description('delete a client and revoke every token it holds'))
    .requiredOption('--app <id>', 'the app')
    .action(async (id: string, o) => {
      await callAdmin(o, 'DELETE', path(o.app, id));
      print(o, { deleted: id }, () => `deleted client ${id} and revoked its tokens`);
    });

  withAdminOptions(client.command('rotate <id>').description('replace a client secret; the old one stops working at once'))
    .requiredOption('--app <id>', 'the app')
    .action(async (id: string, o) => {
      const rotated = await callAdmin(o, 'POST', `${path(o.app, id)}/secret`);
      print(o, rotated, () => [`rotated the secret of ${id}`, '', `  client_secret: ${rotated.client_secret}`, '', 'This is the only time the secret is shown.'].join('\n'));
    });
}
