/**
 * Retention: call records older than `calls.retentionDays` (with their legs,
 * recordings and recording files) and recordings older than
 * `recording.retentionDays` (file and row) are deleted in small batches, so
 * an embedded database keeps answering while a year of calls goes. Runs
 * daily in the daemon and on `kefu prune`. Open calls are never touched; a
 * file that cannot be deleted keeps its row (and call) for the next run.
 */
import { unlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Queryable } from '../db/types.ts';

const DAY_MS = 86_400_000;

export interface PruneOptions {
  /** The moment ages are measured from. Default: now. */
  now?: Date;
  /** Rows deleted per statement (each its own transaction). Default 500. */
  batchSize?: number;
}

export interface PruneResult {
  /** Call records deleted (their legs and recordings went with them). */
  calls: number;
  /** Recordings deleted on their own retention (not counting those of deleted calls). */
  recordings: number;
  /** Recording files deleted. */
  files: number;
  /** Files that could not be deleted (kept with their rows for the next run). */
  fileErrors: number;
}

export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private readonly recordingsDir: string;

  constructor(
    private readonly db: Queryable,
    private readonly config: Readonly<Config>,
    private readonly logger: Logger,
  ) {
    this.recordingsDir = resolve(config.recording.dir ?? join(config.dataDir, 'recordings'));
  }

  /** Delete what is past its retention; returns the counts. */
  async prune(opts: PruneOptions = {}): Promise<PruneResult> {
    const now = (opts.now ?? new Date()).getTime();
    const batch = opts.batchSize ?? 500;
    const out: PruneResult = { calls: 0, recordings: 0, files: 0, fileErrors: 0 };
    const stuck: string[] = []; // rows whose file would not go: skipped this run
    const callsBefore = new Date(now - this.config.calls.retentionDays * DAY_MS);
    while (!this.stopped) {
      const calls = await this.db.query<{ id: string }>(
        'SELECT id FROM calls WHERE ended_at IS NOT NULL AND started_at < $1 AND NOT (id = ANY($2::uuid[])) ORDER BY started_at LIMIT $3', [callsBefore, stuck, batch]);
      if (calls.rows.length === 0) break;
      const ids = calls.rows.map((r) => r.id);
      const files = await this.db.query<{ call_id: string; path: string }>('SELECT call_id, path FROM recordings WHERE call_id = ANY($1::uuid[])', [ids]);
      const failed = new Set<string>();
      for (const f of files.rows) if (!(await this.removeFile(f.path, out))) failed.add(f.call_id);
      stuck.push(...failed);
      const del = await this.db.query('DELETE FROM calls WHERE id = ANY($1::uuid[])', [ids.filter((id) => !failed.has(id))]);
      out.calls += del.rowCount;
      await new Promise((r) => setImmediate(r)); // let other work in between batches
    }
    const days = this.config.recording.retentionDays;
    if (days !== undefined) {
      const recordingsBefore = new Date(now - days * DAY_MS);
      while (!this.stopped) {
        const recs = await this.db.query<{ id: string; path: string }>(
          "SELECT id, path FROM recordings WHERE state <> 'recording' AND created_at < $1 AND NOT (id = ANY($2::uuid[])) ORDER BY created_at LIMIT $3", [recordingsBefore, stuck, batch]);
        if (recs.rows.length === 0) break;
        const gone: string[] = [];
        for (const r of recs.rows) (await this.removeFile(r.path, out) ? gone : stuck).push(r.id);
        out.recordings += (await this.db.query('DELETE FROM recordings WHERE id = ANY($1::uuid[])', [gone])).rowCount;
        await new Promise((r) => setImmediate(r));
      }
    }
    return out;
  }

  /** Runs `prune` after `firstDelayMs` (default 60 s), then every `everyMs` (default a day). Timers never keep the process alive. */
  start(opts: { firstDelayMs?: number; everyMs?: number } = {}): void {
    const run = () => {
      this.running = this.prune().then(
        (r) => { if (r.calls || r.recordings || r.fileErrors) this.logger.info(r, 'retention: old records pruned'); },
        (err: unknown) => this.logger.error({ err }, 'retention: pruning failed (retried next run)'),
      );
      this.timer = setTimeout(run, opts.everyMs ?? DAY_MS);
      this.timer.unref();
    };
    this.timer = setTimeout(run, opts.firstDelayMs ?? 60_000);
    this.timer.unref();
  }

  /** Stops the timer; a run in progress stops after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Deletes a recording file; a missing file counts as gone. */
  private async removeFile(path: string, out: PruneResult): Promise<boolean> {
    const file = isAbsolute(path) ? path : resolve(this.recordingsDir, path);
    try {
      await unlink(file);
      out.files++;
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      out.fileErrors++;
      this.logger.warn({ err, file }, 'retention: recording file could not be deleted; kept for the next run');
      return false;
    }
  }
}
