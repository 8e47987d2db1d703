import type { DeviceInfo } from '../../core/ports.ts';
import type { LineState } from '../../core/call/line-machine.ts';
import type { CallSession } from './session.ts';
import type { CallSnapshot } from './snapshot.ts';

/** A set of lines run by one backend. */
export interface LineGroup {
  start(): Promise<void>;
  stop(): Promise<void>;
  statuses(): LineStatus[];
  calls(): CallSession[];
  /** Calls up that are not sessions of callers (a PBX's click-to-dial and campaign calls), as `GET /calls/active` lists them. */
  otherCalls?(): CallSnapshot[];
}

/** A line's state as the API and the console show it. */
export interface LineStatus {
  id: string; name: string | null; driver: string; state: LineState; reason: string | null;
  device: DeviceInfo | Record<string, unknown> | null; callId: string | null; since: string;
  /** Calls up now, and how many the line carries at once. */
  activeCalls: number; channels: number;
}
