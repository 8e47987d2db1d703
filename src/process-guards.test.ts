import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.ts';
import { installProcessGuards } from './process-guards.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const dest = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); cb(); } });
  return { lines, logger: createLogger('info', dest) };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('process guards', () => {
  it('logs an unhandled rejection with its error and keeps running', async () => {
    const { lines, logger } = capture();
    const proc = new EventEmitter();
    const onFatal = vi.fn();
    const off = installProcessGuards({ logger, onFatal, proc: proc as unknown as NodeJS.Process });
    proc.emit('unhandledRejection', Object.assign(new Error('EACCES: mkdir /x'), { code: 'EACCES' }), Promise.resolve());
    await flush();
    expect(onFatal).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, kind: 'unhandledRejection', err: { message: 'EACCES: mkdir /x', code: 'EACCES' } });
    off();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('logs an uncaught exception as fatal with its stack, then stops once', async () => {
    const { lines, logger } = capture();
    const proc = new EventEmitter();
    const onFatal = vi.fn();
    installProcessGuards({ logger, onFatal, proc: proc as unknown as NodeJS.Process });
    proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');
    proc.emit('uncaughtException', new Error('again'), 'uncaughtException');
    await flush();
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(lines[0]).toMatchObject({ level: 60, kind: 'uncaughtException', origin: 'uncaughtException', err: { message: 'boom' } });
    expect(String((lines[0]!.err as { stack: string }).stack)).toContain('process-guards.test.ts');
  });
});
