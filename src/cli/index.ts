#!/usr/bin/env node
/** The `tollgate` command line. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors.js';
import { registerAdminCommand } from './admin-command.js';
import { registerAppCommands } from './app-commands.js';
import { registerAssertionCommand } from './assertion-command.js';
import { registerClientCommands } from './client-commands.js';
import { CliError, EXIT } from './cli-error.js';
import { registerConfigCommand } from './config-command.js';
import { registerKeyCommands } from './key-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerTokenCommands } from './token-commands.js';

const program = new Command('tollgate')
  .description('edge auth gateway: Bearer tokens, scopes and app binding in front of HTTP APIs')
  .exitOverride()
  .showHelpAfterError();

registerServeCommand(program);
registerConfigCommand(program);
registerAdminCommand(program);
registerAppCommands(program);
registerTokenCommands(program);
registerClientCommands(program);
registerKeyCommands(program);
registerAssertionCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  if (err instanceof CliError) {
    if (err.message) process.stderr.write(`tollgate: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`tollgate: ${err.message}\n`);
    process.exit(EXIT.usage);
  }
  process.stderr.write(`tollgate: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT.failed);
});
