import type { Logger } from 'pino';
import type { Repos } from '../../db/repos/index.ts';
import type { RecordingService } from '../recording/recorder.ts';

/**
 * After an unclean stop (crash, kill, power cut): every call record left open
 * is closed as `interrupted` (ended at recovery time), and every
 * recording left open is repaired into a playable file. Nothing is deleted.
 */
export async function recoverInterruptedCalls(repos: Repos, recordings: RecordingService, logger: Logger): Promise<void> {
  const open = await repos.calls.open();
  for (const c of open) {
    const startedAt = Date.parse(c.startedAt);
    const endedAt = new Date();
    await repos.calls.update(c.id, { state: 'ended', disposition: 'interrupted', endedAt, durationMs: endedAt.getTime() - startedAt });
    logger.warn({ callId: c.id, lineId: c.lineId }, 'call left open by an unclean stop closed as interrupted');
  }
  const repaired = await recordings.repairUnfinished();
  if (open.length || repaired) logger.info({ calls: open.length, recordings: repaired }, 'recovered after an unclean stop');
}
