import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('redacts secrets wherever they appear, and child loggers carry line and call ids', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger('info', sink);
    log.child({ lineId: 'office' }).child({ callId: 'c1' }).info({ config: { asterisk: { ami: { secret: 's3cret' }, ari: { password: 'pw' } } }, req: { headers: { authorization: 'Bearer kefu_abc' } }, password: 'x', token: 't' }, 'hello');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    for (const secret of ['s3cret', '"pw"', 'kefu_abc', '"x"', '"t"']) expect(text).not.toContain(secret);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({ lineId: 'office', callId: 'c1', msg: 'hello', password: '[redacted]' });
  });
});

describe('logger secrets', () => {
  it('scrubs configured secrets and URL passwords from every part of every line', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger('info', sink, { secrets: ['ami-S3cret', 'q"uote\\d'] });
    log.error({ err: new Error('login with ami-S3cret refused'), detail: { nested: 'q"uote\\d' } }, 'connect postgres://kefu:dbpass@db/kefu failed');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    for (const s of ['ami-S3cret', 'uote', 'dbpass']) expect(text).not.toContain(s);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'connect postgres://kefu:[redacted]@db/kefu failed', err: { message: 'login with [redacted] refused' } });
  });
});
