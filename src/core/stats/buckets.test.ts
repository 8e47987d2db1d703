import { describe, expect, it } from 'vitest';
import { bucketKey, bucketKeys, isTimeZone, offsetMinutes, startOfDay, wholeHourZone } from './buckets.ts';

const d = (s: string) => new Date(s);

describe('buckets in Asia/Shanghai (UTC+8, no DST) and UTC', () => {
  it('puts an instant in its local hour, day, ISO week and month', () => {
    const t = d('2026-11-30T16:30:00Z'); // Tuesday 1 December 00:30 in Shanghai, Monday 30 November in UTC
    expect(bucketKey(t, 'hour', 'Asia/Shanghai')).toBe('2026-12-01T00:00');
    expect(bucketKey(t, 'day', 'Asia/Shanghai')).toBe('2026-12-01');
    expect(bucketKey(t, 'week', 'Asia/Shanghai')).toBe('2026-11-30');
    expect(bucketKey(t, 'month', 'Asia/Shanghai')).toBe('2026-12');
    expect(bucketKey(t, 'hour', 'UTC')).toBe('2026-11-30T16:00');
    expect(bucketKey(t, 'day', 'UTC')).toBe('2026-11-30');
    expect(bucketKey(t, 'week', 'UTC')).toBe('2026-11-30');
    expect(bucketKey(t, 'month', 'UTC')).toBe('2026-11');
    expect(bucketKey(t, 'none', 'UTC')).toBe('');
  });
  it('starts ISO weeks on Monday, across a year end', () => {
    expect(bucketKey(d('2027-01-03T12:00:00Z'), 'week', 'UTC')).toBe('2026-12-28'); // a Sunday
    expect(bucketKey(d('2027-01-04T00:00:00Z'), 'week', 'UTC')).toBe('2027-01-04'); // a Monday
    expect(bucketKey(d('2027-01-03T16:00:00Z'), 'week', 'Asia/Shanghai')).toBe('2027-01-04');
  });
  it('lists every bucket of a local month, empty ones included', () => {
    const from = d('2026-10-31T16:00:00Z');
    const to = d('2026-11-30T16:00:00Z');
    const days = bucketKeys(from, to, 'day', 'Asia/Shanghai');
    expect(days).toHaveLength(30);
    expect(days[0]).toBe('2026-11-01');
    expect(days[29]).toBe('2026-11-30');
    expect(bucketKeys(from, to, 'month', 'Asia/Shanghai')).toEqual(['2026-11']);
    expect(bucketKeys(from, to, 'hour', 'Asia/Shanghai')).toHaveLength(720);
    expect(bucketKeys(from, to, 'month', 'UTC')).toEqual(['2026-10', '2026-11']);
    expect(bucketKeys(from, to, 'week', 'Asia/Shanghai')[0]).toBe('2026-10-26');
  });
  it('finds local midnight and offsets', () => {
    expect(offsetMinutes(d('2026-06-01T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
    expect(startOfDay(d('2026-11-30T15:59:59Z'), 'Asia/Shanghai').toISOString()).toBe('2026-11-29T16:00:00.000Z');
    expect(startOfDay(d('2026-11-30T16:00:00Z'), 'Asia/Shanghai').toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(startOfDay(d('2026-11-30T16:00:00Z'), 'UTC').toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });
  it('accepts whole-hour zones only for hourly rollups', () => {
    const from = d('2026-01-01T00:00:00Z');
    const to = d('2026-12-31T00:00:00Z');
    expect(wholeHourZone('Asia/Shanghai', from, to)).toBe(true);
    expect(wholeHourZone('UTC', from, to)).toBe(true);
    expect(wholeHourZone('Europe/Berlin', from, to)).toBe(true);
    expect(wholeHourZone('Asia/Kolkata', from, to)).toBe(false);
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Base')).toBe(false);
  });
});
