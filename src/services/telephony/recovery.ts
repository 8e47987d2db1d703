import type { Logger } from 'pino';
import type { Repos } from '../../db/repos/index.ts';
import type { RecordingService } from '../recording/recorder.ts';

/**
 * After an unclean stop (crash, kill, power cut): every call record left open
 * is closed as `interrupted` (ended at recovery time), every call leg left
 * open (agent phones, supervisors, click-to-dial legs) is closed as
 * `interrupted` at its call's end, and every recording left open is repaired
 * into a playable file. Nothing is deleted, nothing is written twice.
 */
export async function recoverInterruptedCalls(repos: Repos, recordings: RecordingService, logger: Logger): Promise<void> {
  const open = await repos.calls.open();
  for (const c of open) {
    const startedAt = Date.parse(c.startedAt);
    const endedAt = new Date();
    await repos.calls.update(c.id, { state: 'ended', disposition: 'interrupted', endedAt, durationMs: endedAt.getTime() - startedAt });
    logger.warn({ callId: c.id, lineId: c.lineId }, 'call left open by an unclean stop closed as interrupted');
  }
  const legs = await repos.legs.closeOpen('interrupted');
  const repaired = await recordings.repairUnfinished();
  if (open.length || legs || repaired) logger.info({ calls: open.length, legs, recordings: repaired }, 'recovered after an unclean stop');
}
