import { describe, expect, it } from 'vitest';
import { customerSummary } from './summary.ts';

const base = { id: 'c1', name: 'Wang Li', company: 'ACME', title: null, email: null, phones: [{ number: '+8613800138000', label: 'mobile' }], tier: 'vip', tags: ['a'], status: null, attributes: { level: 3, city: 'Beijing' } };

describe('customer summary in events', () => {
  it('keeps what the card shows at once', () => {
    expect(customerSummary(base)).toEqual({ ...base, attributes: { level: 3, city: 'Beijing' }, truncated: false });
  });
  it('stays a few KiB whatever the record holds', () => {
    const huge = {
      ...base, name: 'n'.repeat(10_000), notes: 'x'.repeat(1_000_000),
      tags: Array.from({ length: 500 }, (_, i) => `tag-${i}`.repeat(40)),
      phones: Array.from({ length: 50 }, (_, i) => ({ number: `+86138001380${String(i).padStart(2, '0')}` })),
      attributes: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i % 2 ? 'v'.repeat(5000) : { nested: ['deep'] }])),
    };
    const s = customerSummary(huge);
    expect(JSON.stringify(s).length).toBeLessThan(16 * 1024);
    expect(s.truncated).toBe(true);
    expect(s.phones).toHaveLength(5);
    expect(Object.values(s.attributes).every((v) => typeof v === 'string' && v.length <= 200)).toBe(true);
    expect(s).not.toHaveProperty('notes');
  });
});
