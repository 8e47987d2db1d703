/** Lines the set-up wizard added, and the settings it changed (sql/005_setup_lines.sql). */
import type { Queryable } from '../types.ts';
import type { LineConfig } from '../../config/schema.ts';
import { KefuError } from '../../core/errors.ts';
import { classifyDbError } from '../errors.ts';

interface Row { id: string; driver: LineConfig['driver']; name: string | null; port: string; baud_rate: number; inbound: LineConfig['inbound'] | null; record: boolean }

const toLine = (r: Row): LineConfig => ({
  id: r.id, driver: r.driver, port: r.port, baudRate: r.baud_rate, channels: 1, record: r.record,
  ...(r.name ? { name: r.name } : {}), ...(r.inbound ? { inbound: r.inbound } : {}),
});

export class SetupRepo {
  constructor(private readonly db: Queryable) {}

  async lines(): Promise<LineConfig[]> {
    const r = await this.db.query<Row>('SELECT * FROM setup_lines ORDER BY created_at, id');
    return r.rows.map(toLine);
  }

  async addLine(line: LineConfig): Promise<void> {
    try {
      await this.db.query('INSERT INTO setup_lines(id, driver, name, port, baud_rate, inbound, record) VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7)',
        [line.id, line.driver, line.name ?? null, line.port, line.baudRate, line.inbound ? JSON.stringify(line.inbound) : null, line.record]);
    } catch (err) {
      const e = classifyDbError(err);
      if (e.code === 'CONFLICT') throw new KefuError('CONFLICT', `a line with id ${line.id} or on port ${line.port} exists already`, { field: 'body.id' });
      throw e;
    }
  }

  /** True when the line was stored here (config-file lines are not). */
  async removeLine(id: string): Promise<boolean> {
    const r = await this.db.query('DELETE FROM setup_lines WHERE id = $1', [id]);
    return r.rowCount > 0;
  }

  async setting<T>(key: string): Promise<T | null> {
    const r = await this.db.query<{ value: T }>('SELECT value FROM setup_settings WHERE key = $1', [key]);
    return r.rows[0]?.value ?? null;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.db.query(`INSERT INTO setup_settings(key, value) VALUES ($1, $2::jsonb)
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, [key, JSON.stringify(value)]);
  }
}
