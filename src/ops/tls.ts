/** Optional TLS on the main and admin listeners: PEM cert and key read from files, re-read on SIGHUP. */
import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../errors.js';
import type { Logger } from './logger.js';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** Reads the files and proves they make a context; ConfigError naming what is wrong otherwise. */
export function readTlsFiles(files: TlsFiles): SecureContextOptions {
  let options: SecureContextOptions;
  try {
    options = { cert: readFileSync(files.cert), key: readFileSync(files.key) };
  } catch (err) {
    throw new ConfigError('listen.tls', [`cannot read ${(err as NodeJS.ErrnoException).path ?? 'file'}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`]);
  }
  try {
    createSecureContext(options);
  } catch (err) {
    throw new ConfigError('listen.tls', [`cert and key are not a usable pair: ${(err as Error).message}`]);
  }
  return options;
}

/** `reload()`: new connections get the re-read cert and key; unusable files keep the current ones. */
export function createTlsReload(files: TlsFiles, servers: readonly HttpsServer[], logger: Logger): () => boolean {
  return function reload(): boolean {
    let options: SecureContextOptions;
    try {
      options = readTlsFiles(files);
    } catch (err) {
      logger.error({ problems: (err as ConfigError).problems }, 'TLS reload refused; keeping the current certificate');
      return false;
    }
    for (const server of servers) server.setSecureContext(options);
    logger.info({ cert: files.cert }, 'TLS certificate reloaded');
    return true;
  };
}
