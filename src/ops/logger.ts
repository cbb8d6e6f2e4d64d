/** pino JSON logs; credentials are redacted wherever they could appear. */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'token', 'secret',
  'client_secret', 'client_assertion', 'client_key', 'key', 'password', '*.token', '*.secret', '*.client_secret',
];

export function createLogger(options: { level: string; pretty?: boolean; destination?: NodeJS.WritableStream }): Logger {
  const base = { level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'tollgate' } };
  if (options.pretty) return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return options.destination ? pino(base, options.destination as DestinationStream) : pino(base);
}
