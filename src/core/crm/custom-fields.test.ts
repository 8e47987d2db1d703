import { describe, expect, it } from 'vitest';
import { checkCustomValues, isDate, type CustomField } from './custom-fields.ts';
import { mergeCustomers } from './merge.ts';
import type { Customer } from './records.ts';

const def = (key: string, type: CustomField['type'], options: string[] = []): CustomField =>
  ({ key, label: key, type, options, position: 0, createdAt: '', updatedAt: '' });
const DEFS = [def('t', 'text'), def('n', 'number'), def('d', 'date'), def('c', 'choice', ['a', 'b'])];

describe('checkCustomValues', () => {
  it('accepts fitting values and null', () => {
    expect(checkCustomValues(DEFS, { t: 'x', n: 0, d: '2024-02-29', c: 'b' })).toEqual([]);
    expect(checkCustomValues(DEFS, { t: null, n: null })).toEqual([]);
  });
  it('names each key that does not fit and what it expected', () => {
    expect(checkCustomValues(DEFS, { n: '1', d: '2023-02-29', c: 'z', t: 5, zz: 1 })).toEqual([
      { key: 'c', expected: 'one of "a", "b"' },
      { key: 'd', expected: 'a date written YYYY-MM-DD' },
      { key: 'n', expected: 'a finite number' },
      { key: 't', expected: 'text of at most 2000 characters' },
      { key: 'zz', expected: 'a defined custom field (known: t, n, d, c)' },
    ]);
    expect(checkCustomValues(DEFS, { n: Number.NaN, t: 'a\0b' }).map((p) => p.key)).toEqual(['n', 't']);
  });
  it('isDate knows the calendar', () => {
    expect([isDate('2024-02-29'), isDate('2023-02-29'), isDate('2023-13-01'), isDate('2023-1-01')]).toEqual([true, false, false, false]);
  });
});

const customer = (o: Partial<Customer>): Customer => ({
  id: 'x', name: 'x', company: null, title: null, email: null, address: null, phones: [], tier: null, tags: [], status: null,
  transactionStatus: null, notes: null, attributes: {}, ownerId: null, basic: {}, characteristics: {}, business: {}, transaction: {}, custom: {},
  createdAt: '', updatedAt: '', ...o,
});

describe('mergeCustomers', () => {
  it('keeps the survivor, fills its gaps in order, unites phones and tags', () => {
    const into = customer({ email: 'a@x', phones: [{ number: '+1', label: 'm' }], tags: ['a'], basic: { kind: 'person' }, transaction: { credit: { limit: 5 } } });
    const b = customer({ email: 'b@x', company: 'B', phones: [{ number: '+1' }, { number: '+2' }], tags: ['b', 'a'], basic: { kind: 'company', founded: '2000-01-01' }, transaction: { credit: { limit: 9, rating: 'A' } }, custom: { n: 1 } });
    const c = customer({ company: 'C', tier: 'vip', custom: { n: 2, t: 'x' } });
    expect(mergeCustomers(into, [b, c])).toMatchObject({
      email: 'a@x', company: 'B', tier: 'vip', phones: [{ number: '+1', label: 'm' }, { number: '+2' }], tags: ['a', 'b'],
      basic: { kind: 'person', founded: '2000-01-01' }, transaction: { credit: { limit: 5, rating: 'A' } }, custom: { n: 1, t: 'x' },
    });
  });
});
