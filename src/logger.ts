import { pino, type Logger } from 'pino';

/** Paths redacted wherever they appear in a log line: keys, secrets, passwords. */
export const REDACT = [
  'secret', 'password', 'key', 'apiKey', 'authorization', 'token',
  '*.secret', '*.password', '*.key', '*.apiKey', '*.authorization', '*.token',
  'req.headers.authorization', 'req.headers["sec-websocket-protocol"]',
  'config.asterisk.ami.secret', 'config.asterisk.ari.password', 'config.database.url',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'kefu' } }, destination as pino.DestinationStream | undefined);
}
