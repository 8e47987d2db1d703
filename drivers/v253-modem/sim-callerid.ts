/** How the simulated modem prints a caller-ID block between the first and second RING. */
import { encodeMdmf } from './caller-id.ts';

export type CallerIdFormat = 'formatted' | 'ddn' | 'mesg' | 'private' | 'unavailable' | 'none';

export interface RingOptions {
  /** Caller's number. Default '13800138000'. */
  number?: string;
  /** Caller's name; omitted when not given. */
  name?: string;
  /** MMDD; default today. */
  date?: string;
  /** HHMM; default now. */
  time?: string;
  /** RING bursts to send (stops early once the line is answered). Default 2. */
  rings?: number;
  /** Time between RINGs. Default 1000 ms (a real line: about 6 s). */
  intervalMs?: number;
  /** How caller ID is printed. Default 'formatted'. */
  format?: CallerIdFormat;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The caller-ID lines for one call (empty for 'none'). */
export function callerIdLines(opts: RingOptions, spaced: boolean): string[] {
  const now = new Date();
  const date = opts.date ?? pad(now.getMonth() + 1) + pad(now.getDate());
  const time = opts.time ?? pad(now.getHours()) + pad(now.getMinutes());
  const number = opts.number ?? '13800138000';
  const kv = (k: string, v: string): string => (spaced ? `${k} = ${v}` : `${k}=${v}`);
  const name = opts.name ? [kv('NAME', opts.name)] : [];
  switch (opts.format ?? 'formatted') {
    case 'formatted':
      return [kv('DATE', date), kv('TIME', time), kv('NMBR', number), ...name];
    case 'ddn':
      return [kv('DATE', date), kv('TIME', time), kv('DDN_NMBR', number), ...name];
    case 'mesg':
      return [kv('MESG', encodeMdmf({ date, time, number, name: opts.name ?? null }).toString('hex').toUpperCase())];
    case 'private':
      return [kv('DATE', date), kv('TIME', time), kv('NMBR', 'P'), kv('NAME', 'P')];
    case 'unavailable':
      return [kv('DATE', date), kv('TIME', time), kv('NMBR', 'O'), kv('NAME', 'O')];
    case 'none':
      return [];
  }
}
