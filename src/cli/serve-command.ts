/** `tollgate serve`: start the gateway; `--demo` adds an echo upstream, a demo app and ready tokens. */
import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the gateway')
    .option('-c, --config <file>', 'config file (env TOLLGATE_CONFIG)')
    .option('--demo', 'embedded store, a demo route to a built-in echo upstream, and printed tokens')
    .action(async (o: { config?: string; demo?: boolean }) => {
      // Loaded on demand so the other commands start without the whole gateway.
      const { runServe } = await import('./serve.js');
      await runServe(o);
    });
}
