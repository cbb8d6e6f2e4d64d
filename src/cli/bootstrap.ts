/** What `tollgate admin bootstrap` does, loaded only when it runs. */
import { DEFAULT_CONFIG_PATH, loadConfig, storeDriver } from '../config/load.js';
import { createStore } from '../store/create-store.js';
import { bootstrapAdminToken } from '../tokens/admin-bootstrap.js';
import { createTokenLifecycle } from '../tokens/lifecycle.js';
import { systemClock } from '../types.js';
import { CliError, EXIT } from './cli-error.js';

export async function runBootstrap(o: { config?: string; name?: string; json?: boolean }): Promise<void> {
  const config = loadConfig(o.config ?? process.env.TOLLGATE_CONFIG ?? DEFAULT_CONFIG_PATH);
  if (storeDriver(config) === 'memory') {
    throw new CliError('the memory store lives inside one gateway process: configure store.url (or REDIS_URL), or use `tollgate serve --demo`, or set TOLLGATE_BOOTSTRAP_TOKEN for serve', EXIT.usage);
  }
  const store = createStore(config, systemClock);
  try {
    if (!(await store.ready(Math.max(2_000, config.store.timeout * 8)))) throw new CliError('token store unreachable', EXIT.unavailable);
    const lifecycle = createTokenLifecycle(store, config, systemClock);
    const { token, record } = await bootstrapAdminToken(store, lifecycle, systemClock, o.name ? { name: o.name } : {});
    process.stdout.write(o.json ? `${JSON.stringify({ token, id: record.id, name: record.name, scopes: record.scopes })}\n` : `admin token ${record.id} "${record.name}" (shown once):\n\n  ${token}\n\nexport TOLLGATE_ADMIN_TOKEN=<the token above> to use the CLI.\n`);
  } catch (err) {
    if ((err as { status?: number }).status === 503) throw new CliError('token store unreachable', EXIT.unavailable);
    throw err;
  } finally {
    await store.close();
  }
}
