import { describe, expect, it } from 'vitest';
import { isCallable, nextCallableAt, numberZones, regionZones } from './calling-window.ts';

const utc = (s: string) => new Date(`${s}Z`);

describe('calling window', () => {
  it('finds the zones of a number from its region; China is Beijing time only', () => {
    expect(numberZones('+8613800138000')).toEqual(['Asia/Shanghai']);
    expect(numberZones('13800138000')).toEqual(['Asia/Shanghai']);
    expect(numberZones('+442079460000')).toEqual(['Europe/London']);
    expect(regionZones('US')).toEqual(expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu']));
    expect(numberZones('+12125550123', {}, 'America/New_York')).toEqual(['America/New_York']);
    expect(numberZones('12345', { defaultTimeZone: 'Europe/Paris', defaultRegion: 'ZZ' })).toEqual(['Europe/Paris']);
  });

  it('a number outside the window in its own zone is not callable, whatever the server clock says', () => {
    // 12:00 UTC: 20:00 in Beijing (callable), 13:00 in London (callable)
    expect(isCallable('+8613800138000', utc('2025-03-10T12:00:00'))).toBe(true);
    // 13:30 UTC: 21:30 in Beijing, past 21:00; a server in London would think it mid-afternoon
    expect(isCallable('+8613800138000', utc('2025-03-10T13:30:00'))).toBe(false);
    expect(isCallable('+442079460000', utc('2025-03-10T13:30:00'))).toBe(true);
    // 23:30 UTC: 07:30 next morning in Beijing, too early
    expect(isCallable('+8613800138000', utc('2025-03-10T23:30:00'))).toBe(false);
  });

  it('a region with several zones is callable only inside the window in every zone', () => {
    const us = '+12125550123';
    // 14:00 UTC in January: 09:00 New York but 04:00 Honolulu
    expect(isCallable(us, utc('2025-01-15T14:00:00'))).toBe(false);
    // 19:00 UTC: 14:00 New York, 09:00 Honolulu, 10:00 Anchorage
    expect(isCallable(us, utc('2025-01-15T19:00:00'))).toBe(true);
    // 02:30 UTC: 21:30 New York
    expect(isCallable(us, utc('2025-01-16T02:30:00'))).toBe(false);
    expect(isCallable(us, utc('2025-01-15T14:00:00'), {}, 'America/New_York')).toBe(true);
  });

  it('per-weekday windows, days off and holidays in the local calendar', () => {
    const w = { days: { sat: { from: '10:00', to: '16:00' }, sun: null }, holidays: ['2025-10-01'] };
    const cn = '+8613800138000';
    expect(isCallable(cn, utc('2025-03-08T01:00:00'), w)).toBe(false); // Sat 09:00 Beijing
    expect(isCallable(cn, utc('2025-03-08T03:00:00'), w)).toBe(true); // Sat 11:00
    expect(isCallable(cn, utc('2025-03-09T03:00:00'), w)).toBe(false); // Sunday
    expect(isCallable(cn, utc('2025-10-01T03:00:00'), w)).toBe(false); // holiday in Beijing
    // 2025-09-30 17:00 UTC is already Oct 1st 01:00 in Beijing: the holiday's date is local
    expect(isCallable(cn, utc('2025-09-30T12:00:00'), w)).toBe(true); // Sep 30th 20:00
  });

  it('DST: the window follows the local clock across the change', () => {
    const london = '+442079460000';
    // 2025-03-30: clocks go forward at 01:00 UTC. 07:30 UTC is 07:30 GMT on Saturday, 08:30 BST on Sunday
    expect(isCallable(london, utc('2025-03-29T07:30:00'))).toBe(false);
    expect(isCallable(london, utc('2025-03-30T07:30:00'))).toBe(true);
    // 20:30 UTC on Sunday is 21:30 BST: closed; on Saturday 20:30 GMT: open
    expect(isCallable(london, utc('2025-03-29T20:30:00'))).toBe(true);
    expect(isCallable(london, utc('2025-03-30T20:30:00'))).toBe(false);
    // the next opening after Saturday's close is Sunday 08:00 BST = 07:00 UTC
    expect(nextCallableAt(london, utc('2025-03-29T21:30:00'))?.toISOString()).toBe('2025-03-30T07:00:00.000Z');
    // and in autumn (26 October) back to 08:00 GMT = 08:00 UTC
    expect(nextCallableAt(london, utc('2025-10-25T21:30:00'))?.toISOString()).toBe('2025-10-26T08:00:00.000Z');
  });

  it('next callable time: now when open, else when the window opens in the last zone to open', () => {
    const cn = '+8613800138000';
    const open = utc('2025-03-10T03:00:00');
    expect(nextCallableAt(cn, open)).toEqual(open);
    expect(nextCallableAt(cn, utc('2025-03-10T14:00:00'))?.toISOString()).toBe('2025-03-11T00:00:00.000Z');
    // US in January: opens when Honolulu reaches 08:00 (18:00 UTC)
    expect(nextCallableAt('+12125550123', utc('2025-01-15T03:00:00'))?.toISOString()).toBe('2025-01-15T18:00:00.000Z');
    // Friday evening with weekends off: Monday 08:00
    const weekdays = { days: { sat: null, sun: null } };
    expect(nextCallableAt(cn, utc('2025-03-07T14:00:00'), weekdays)?.toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(nextCallableAt(cn, utc('2025-03-07T14:00:00'), { days: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } })).toBeNull();
  });
});
