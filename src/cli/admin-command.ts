/** `tollgate admin bootstrap`: create the first admin token directly in the configured store. */
import type { Command } from 'commander';

export function registerAdminCommand(program: Command): void {
  const admin = program.command('admin').description('administration that talks to the store directly');
  admin
    .command('bootstrap')
    .description('create an admin token with every admin scope and print it once')
    .option('-c, --config <file>', 'config file (env TOLLGATE_CONFIG)')
    .option('--name <name>', 'token name')
    .option('--json', 'machine-readable output')
    .action(async (o: { config?: string; name?: string; json?: boolean }) => {
      const { runBootstrap } = await import('./bootstrap.js');
      await runBootstrap(o);
    });
}
