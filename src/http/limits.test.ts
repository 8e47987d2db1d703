import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { requireRowCap, routeBodyLimit } from './limits.ts';

const http = loadConfig().http;

describe('routeBodyLimit', () => {
  it('imports get the import limit, public writes the small one, the rest the default', () => {
    expect(routeBodyLimit({ method: 'POST', url: '/api/v1/contacts/import' }, http)).toBe(http.importBodyLimit);
    expect(routeBodyLimit({ method: ['POST'], url: '/api/v1/blacklist/import' }, http)).toBe(http.importBodyLimit);
    expect(routeBodyLimit({ method: 'POST', url: '/api/v1/auth/login', config: { public: true } }, http)).toBe(4096);
    expect(routeBodyLimit({ method: 'POST', url: '/api/v1/customers' }, http)).toBeUndefined();
    expect(routeBodyLimit({ method: 'GET', url: '/api/v1/contacts/import' }, http)).toBeUndefined();
  });

  it('the default config is 1 MiB, 20 MiB for imports, 4 KiB without a key', () => {
    expect(http.bodyLimit).toBe(1024 * 1024);
    expect(http.importBodyLimit).toBe(20 * 1024 * 1024);
    expect(http.publicBodyLimit).toBe(4096);
  });

  it('requireRowCap names the field and the cap', () => {
    expect(() => requireRowCap(10, 10)).not.toThrow();
    expect(() => requireRowCap(11, 10)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', details: { field: 'body', rows: 11, max: 10 } }));
  });
});
