import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { shouldRecord } from './policy.ts';

const line = (over: Record<string, unknown> = {}) => ({ id: 'office', driver: 'v253-modem' as const, port: '/dev/x', baudRate: 115200, channels: 1, record: true, ...over });
const cfg = (recording: Record<string, unknown>) => loadConfig({ overrides: { recording } });

describe('recording policy', () => {
  it('records every call by default', () => {
    expect(shouldRecord(cfg({}), line(), '+8613800138000')).toBe(true);
    expect(shouldRecord(cfg({}), line(), null)).toBe(true);
  });
  it('off globally or per line', () => {
    expect(shouldRecord(cfg({ enabled: false }), line(), '+8613800138000')).toBe(false);
    expect(shouldRecord(cfg({}), line({ record: false }), '+8613800138000')).toBe(false);
  });
  it('rules: first match wins; numbers in any written form; prefixes with *', () => {
    const c = cfg({ rules: [{ number: '138 0013 8000', record: false }, { number: '400*', record: false }, { line: 'office', number: '010*', record: true }, { line: 'office', record: false }] });
    expect(shouldRecord(c, line(), '+8613800138000')).toBe(false);
    expect(shouldRecord(c, line(), '+864008008888')).toBe(false);
    expect(shouldRecord(c, line(), '+861088888888')).toBe(true);
    expect(shouldRecord(c, line(), '+8613900139000')).toBe(false);
    expect(shouldRecord(c, line({ id: 'other' }), '+8613900139000')).toBe(true);
    expect(shouldRecord(c, line(), null)).toBe(false);
  });
});
