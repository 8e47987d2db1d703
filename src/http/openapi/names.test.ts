import { describe, expect, it } from 'vitest';
import { operationName, summaryOf, uniqueIds } from './names.ts';

const name = (method: string, path: string, siblings: string[] = [], returnsList = false) => operationName({ method, path, siblings, returnsList });

describe('operation names from method and path', () => {
  it('reads CRUD on collections and items', () => {
    expect(name('GET', '/api/v1/customers', ['POST'], true)).toBe('customers.list');
    expect(name('POST', '/api/v1/customers', ['GET'])).toBe('customers.create');
    expect(name('GET', '/api/v1/customers/{id}')).toBe('customers.get');
    expect(name('PATCH', '/api/v1/customers/{id}')).toBe('customers.update');
    expect(name('PUT', '/api/v1/customers/{id}')).toBe('customers.set');
    expect(name('DELETE', '/api/v1/customers/{id}')).toBe('customers.delete');
    expect(name('GET', '/api/v1/customers/{id}/interactions', ['POST'], true)).toBe('customers.interactions.list');
    expect(name('POST', '/api/v1/customers/{id}/interactions', ['GET'])).toBe('customers.interactions.create');
  });
  it('takes the last word of a POST-only path as the action, camelCased', () => {
    expect(name('POST', '/api/v1/campaigns/{id}/start')).toBe('campaigns.start');
    expect(name('POST', '/api/v1/customers/merge')).toBe('customers.merge');
    expect(name('POST', '/api/v1/calls/{id}/wrap-up')).toBe('calls.wrapUp');
    expect(name('POST', '/api/v1/lines/{id}/simulate/call')).toBe('lines.simulate.call');
    expect(name('GET', '/api/v1/screenpop-layouts/resolve')).toBe('screenpopLayouts.resolve.get');
  });
  it('tells clashing names apart by the extra path parameter, whatever the order', () => {
    const ops = [
      { key: 'b', name: 'layouts.set', path: '/layouts/{scope}/{scopeId}', method: 'put' },
      { key: 'a', name: 'layouts.set', path: '/layouts/{scope}', method: 'put' },
      { key: 'c', name: 'x.get', path: '/x', method: 'get' },
    ];
    const ids = uniqueIds(ops);
    expect(ids.get('a')).toBe('layouts.set');
    expect(ids.get('b')).toBe('layouts.setByScopeId');
    expect(uniqueIds([...ops].reverse())).toEqual(ids);
  });
  it('says it in plain English', () => {
    expect(summaryOf('customers.list')).toBe('List customers');
    expect(summaryOf('customers.get')).toBe('Get customer');
    expect(summaryOf('customers.interactions.list')).toBe('List customer interactions');
    expect(summaryOf('campaigns.start')).toBe('Start campaign');
    expect(summaryOf('calls.wrapUp')).toBe('Wrap up call');
    expect(summaryOf('screenpopLayouts.setByScopeId')).toBe('Replace screenpop layout');
  });
});
