import type { Logger } from '../v253-modem/logger.ts';

/** How a dongle is driven. Only `id` and `path` are required. */
export interface GsmDongleOptions {
  id: string;
  /** Serial device of the AT port (Huawei: usually the second ttyUSB, SIMCom/Quectel: ttyUSB2). */
  path: string;
  baudRate?: number;
  /** SIM PIN, sent once when the SIM asks for it; never logged. A rejected PIN is not retried (a SIM locks after 3). */
  pin?: string | null;
  logger?: Logger;
  /**
   * New messages: 'store' (+CNMI mt=1: stored, `+CMTI` indicates, read with +CMGR and
   * deleted) or 'direct' (mt=2: `+CMT` carries the PDU, acknowledged with +CNMA).
   */
  inbound?: 'store' | 'direct';
  /** Delivery reports: 'direct' (+CNMI ds=1: `+CDS` with the PDU) or 'store' (ds=2: `+CDSI`, read and deleted). */
  reports?: 'direct' | 'store';
  /** How often signal, registration and storage are polled. Default 30 s. */
  statusPollMs?: number;
  /** Longest wait for the parts of a long message before delivering it incomplete. Default 5 min. */
  concatTimeoutMs?: number;
  /** Reopen delays after the device went away: doubled from `reopenMinMs` up to `reopenMaxMs`. Defaults 500 ms and 30 s. */
  reopenMinMs?: number;
  reopenMaxMs?: number;
  /** Per AT command. Default 5 s. */
  commandTimeoutMs?: number;
  /** Per part sent (the network answers +CMGS). Default 60 s. */
  sendTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<GsmDongleOptions, 'pin'>> & { pin: string | null };

export function resolveOptions(o: GsmDongleOptions, silent: Logger): ResolvedOptions {
  return {
    id: o.id, path: o.path, baudRate: o.baudRate ?? 115200, pin: o.pin ?? null,
    logger: (o.logger ?? silent).child({ dongleId: o.id }),
    inbound: o.inbound ?? 'store', reports: o.reports ?? 'direct',
    statusPollMs: o.statusPollMs ?? 30_000, concatTimeoutMs: o.concatTimeoutMs ?? 300_000,
    reopenMinMs: o.reopenMinMs ?? 500, reopenMaxMs: o.reopenMaxMs ?? 30_000,
    commandTimeoutMs: o.commandTimeoutMs ?? 5000, sendTimeoutMs: o.sendTimeoutMs ?? 60_000,
  };
}
