/** `tollgate config check FILE`: validate without starting. */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { CliError, EXIT } from './cli-error.js';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('configuration files');
  config
    .command('check <file>')
    .description('validate a config file and list every problem with its path')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { json?: boolean }) => {
      const { loadConfig, storeDriver } = await import('../config/load.js');
      try {
        const parsed = loadConfig(file);
        const summary = { valid: true, file, routes: parsed.routes.map((r) => r.name), store: storeDriver(parsed) };
        process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `${file}: valid (${parsed.routes.length} routes, ${summary.store} store)\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ valid: false, file, problems: err.problems })}\n`);
          throw new CliError('', EXIT.usage);
        }
        throw new CliError(err.message, EXIT.usage);
      }
    });
}
