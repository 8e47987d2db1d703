import { pino, type Logger } from 'pino';
import { scrubSecrets } from './config/secrets.ts';

/** Paths redacted wherever they appear in a log line: keys, secrets, passwords. */
export const REDACT = [
  'secret', 'password', 'key', 'apiKey', 'authorization', 'token',
  '*.secret', '*.password', '*.key', '*.apiKey', '*.authorization', '*.token',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["sec-websocket-protocol"]',
  'config.asterisk.ami.secret', 'config.asterisk.ari.password', 'config.database.url',
];

export interface LoggerOptions {
  /**
   * Secret values (see configSecrets) scrubbed from every line written, wherever
   * they appear (messages, error texts, nested fields); passwords written in
   * URLs are masked in every line too.
   */
  secrets?: readonly string[];
}

export function createLogger(level: string, destination?: NodeJS.WritableStream, opts: LoggerOptions = {}): Logger {
  const out = (destination ?? pino.destination(1)) as { write(line: string): unknown };
  // A secret with quotes or backslashes appears JSON-escaped in the line.
  const secrets = [...new Set((opts.secrets ?? []).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  const scrubbing = { write: (line: string) => out.write(scrubSecrets(line, secrets)) };
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'kefu' } }, scrubbing as pino.DestinationStream);
}
