import type { Logger } from 'pino';
import type { Repos } from '../../db/repos/index.ts';
import type { RecordingService } from '../recording/recorder.ts';
import type { CallLedger } from '../calls/ledger.ts';

/**
 * After an unclean stop (crash, kill, power cut): every call record left open
 * is closed as `interrupted` (ended at recovery time), every call leg left
 * open (agent phones, supervisors, click-to-dial legs) is closed as
 * `interrupted` at its call's end, and every recording left open is repaired
 * into a playable file. Nothing is deleted, nothing is written twice.
 */
export async function recoverInterruptedCalls(calls: CallLedger, repos: Repos, recordings: RecordingService, logger: Logger, opts: { callRows: boolean } = { callRows: true }): Promise<void> {
  const open = opts.callRows ? await calls.closeInterrupted() : 0;
  const legs = opts.callRows ? await repos.legs.closeOpen('interrupted') : 0;
  // with a cluster the recordings of calls still open are another daemon's, still being written: the node's owner repairs them when it takes the node
  const openCalls = async (): Promise<Set<string>> => new Set((await repos.calls.open()).map((c) => c.id));
  const repaired = await recordings.repairUnfinished(opts.callRows ? {} : { keepCalls: openCalls });
  if (open || legs || repaired) logger.info({ calls: open, legs, recordings: repaired }, 'recovered after an unclean stop');
}
