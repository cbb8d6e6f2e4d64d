/** Reloads the route table from the config file (SIGHUP): validated first; an invalid file keeps the old table. */
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { compileRoutes, type RouteTable } from '../edge/routes.js';
import type { Logger } from './logger.js';

export interface RouteReloadDeps {
  path: string;
  current: Config;
  setRoutes(routes: RouteTable): void;
  logger: Logger;
  env?: Record<string, string | undefined>;
}

/** Returns `reload()`, true when the new table is in place. Only `routes` change without a restart. */
export function createRouteReload(deps: RouteReloadDeps): () => boolean {
  return function reload(): boolean {
    let next: Config;
    let table: RouteTable;
    try {
      next = loadConfig(deps.path, deps.env ?? process.env);
      table = compileRoutes(next.routes);
    } catch (err) {
      const problems = err instanceof ConfigError ? err.problems : [(err as Error).message];
      deps.logger.error({ path: deps.path, problems }, 'config reload refused; keeping the current routes');
      return false;
    }
    deps.setRoutes(table);
    const { routes: _old, ...restOld } = deps.current;
    const { routes: _new, ...restNew } = next;
    const restartNeeded = JSON.stringify(restOld) !== JSON.stringify(restNew);
    deps.logger.info({ path: deps.path, routes: next.routes.length, restartNeeded }, restartNeeded ? 'routes reloaded; other changed settings apply after a restart' : 'routes reloaded');
    return true;
  };
}
