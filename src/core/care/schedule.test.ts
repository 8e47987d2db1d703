import { afterEach, describe, expect, it, vi } from 'vitest';
import { everyOccurrence, monthDay, nextEveryOccurrence, taskDueAt, yearlyOccurrence } from './schedule.ts';
import { addMonths, dayBounds, localDate, zonedInstant } from './zoned.ts';
import { complaintTransition, taskTransition, taskView } from './machines.ts';

afterEach(() => { vi.useRealTimers(); });

describe('local dates in the office time zone', () => {
  it('"today" changes at local midnight, not UTC midnight (fake clock)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-01T15:59:59Z')); // 23:59:59 in Shanghai
    expect(localDate(new Date(), 'Asia/Shanghai')).toBe('2026-12-01');
    vi.setSystemTime(new Date('2026-12-01T16:00:00Z')); // 00:00 next day in Shanghai
    expect(localDate(new Date(), 'Asia/Shanghai')).toBe('2026-12-02');
    expect(localDate(new Date(), 'UTC')).toBe('2026-12-01');
  });

  it('day bounds: 24 h in Shanghai, 23 h on the spring DST day in Berlin', () => {
    const sh = dayBounds('2026-12-01', 'Asia/Shanghai');
    expect(sh.start.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(sh.end.toISOString()).toBe('2026-12-01T16:00:00.000Z');
    const be = dayBounds('2026-03-29', 'Europe/Berlin');
    expect(be.start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(be.end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('a wall-clock time to an instant, across a DST change', () => {
    expect(zonedInstant('2026-07-01', '10:00', 'Europe/Berlin').toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(zonedInstant('2026-01-01', '10:00', 'Europe/Berlin').toISOString()).toBe('2026-01-01T09:00:00.000Z');
    expect(zonedInstant('2026-12-01', '09:30', 'Asia/Shanghai').toISOString()).toBe('2026-12-01T01:30:00.000Z');
  });

  it('months keep the day or fall on the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });
});

describe('every-n schedules', () => {
  const quarterly = { type: 'every', every: 3, unit: 'month', start: '2026-01-01' } as const;
  it('every VIP each quarter: the quarter today falls in', () => {
    expect(everyOccurrence(quarterly, '2025-12-31')).toBeNull();
    expect(everyOccurrence(quarterly, '2026-01-01')).toBe('2026-01-01');
    expect(everyOccurrence(quarterly, '2026-03-31')).toBe('2026-01-01');
    expect(everyOccurrence(quarterly, '2026-04-01')).toBe('2026-04-01');
    expect(everyOccurrence(quarterly, '2026-12-01')).toBe('2026-10-01');
    expect(everyOccurrence(quarterly, '2027-02-10')).toBe('2027-01-01');
    expect(nextEveryOccurrence(quarterly, '2026-10-01')).toBe('2027-01-01');
  });
  it('monthly from the 31st: counted from the start each time', () => {
    const s = { type: 'every', every: 1, unit: 'month', start: '2026-01-31' } as const;
    expect(everyOccurrence(s, '2026-02-27')).toBe('2026-01-31');
    expect(everyOccurrence(s, '2026-02-28')).toBe('2026-02-28');
    expect(everyOccurrence(s, '2026-03-30')).toBe('2026-02-28');
    expect(everyOccurrence(s, '2026-03-31')).toBe('2026-03-31');
  });
  it('days and weeks', () => {
    expect(everyOccurrence({ type: 'every', every: 10, unit: 'day', start: '2026-11-25' }, '2026-12-04')).toBe('2026-11-25');
    expect(everyOccurrence({ type: 'every', every: 10, unit: 'day', start: '2026-11-25' }, '2026-12-05')).toBe('2026-12-05');
    expect(everyOccurrence({ type: 'every', every: 2, unit: 'week', start: '2026-11-02' }, '2026-12-01')).toBe('2026-11-30');
    expect(nextEveryOccurrence({ type: 'every', every: 2, unit: 'week', start: '2026-11-02' }, '2026-11-30')).toBe('2026-12-14');
  });
  it('the task falls at the local due time, offset days after the occurrence', () => {
    expect(taskDueAt('2026-10-01', { dueOffsetDays: 14, dueTime: '09:00' }, 'Asia/Shanghai').toISOString()).toBe('2026-10-15T01:00:00.000Z');
    expect(taskDueAt('2026-10-01', {}, 'Asia/Shanghai').toISOString()).toBe('2026-10-01T02:00:00.000Z');
  });
});

describe('yearly dates (birthdays)', () => {
  it('reads YYYY-MM-DD, MM-DD and --MM-DD; refuses anything else', () => {
    expect(monthDay('1980-05-17')).toEqual([5, 17]);
    expect(monthDay('05-17')).toEqual([5, 17]);
    expect(monthDay('--02-29')).toEqual([2, 29]);
    expect(monthDay('1981-02-29')).toBeNull();
    expect(monthDay('13-01')).toBeNull();
    expect(monthDay(19800517)).toBeNull();
    expect(monthDay('17/05/1980')).toBeNull();
  });
  it('made on the day, or leadDays before it', () => {
    expect(yearlyOccurrence('1980-12-01', '2026-12-01', 0)).toBe('2026-12-01');
    expect(yearlyOccurrence('1980-12-02', '2026-12-01', 0)).toBeNull();
    expect(yearlyOccurrence('1980-12-03', '2026-12-01', 3)).toBe('2026-12-03');
    expect(yearlyOccurrence('1980-11-30', '2026-12-01', 3)).toBeNull();
  });
  it('across New Year, and Feb 29 outside leap years', () => {
    expect(yearlyOccurrence('01-02', '2026-12-30', 5)).toBe('2027-01-02');
    expect(yearlyOccurrence('2000-02-29', '2027-02-28', 0)).toBe('2027-02-28');
    expect(yearlyOccurrence('2000-02-29', '2028-02-28', 0)).toBeNull();
    expect(yearlyOccurrence('2000-02-29', '2028-02-29', 0)).toBe('2028-02-29');
  });
});

describe('task and complaint machines', () => {
  it('a task: open → done | cancelled, reopened; nothing else', () => {
    expect(taskTransition('open', 'complete')).toBe('done');
    expect(taskTransition('open', 'cancel')).toBe('cancelled');
    expect(taskTransition('done', 'reopen')).toBe('open');
    expect(() => taskTransition('done', 'complete')).toThrow(/task is done: cannot complete it/);
    expect(() => taskTransition('cancelled', 'cancel')).toThrow(/allowed: reopen/);
  });
  it('overdue is derived from the clock', () => {
    const due = new Date('2026-12-01T02:00:00Z');
    expect(taskView('open', due, new Date('2026-12-01T01:59:59Z'))).toBe('open');
    expect(taskView('open', due, new Date('2026-12-01T02:00:01Z'))).toBe('overdue');
    expect(taskView('done', due, new Date('2027-01-01T00:00:00Z'))).toBe('done');
  });
  it('a complaint: open → investigating → substantiated | rejected → closed', () => {
    expect(complaintTransition('open', 'investigating')).toBe('investigating');
    expect(complaintTransition('investigating', 'rejected')).toBe('rejected');
    expect(complaintTransition('substantiated', 'closed')).toBe('closed');
    expect(() => complaintTransition('open', 'closed')).toThrow(/complaint is open: cannot go to closed \(allowed: investigating\)/);
    expect(() => complaintTransition('closed', 'open')).toThrow(/it is closed/);
  });
});
