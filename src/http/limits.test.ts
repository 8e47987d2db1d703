import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { routeBodyLimit } from './limits.ts';

const http = loadConfig().http;

describe('routeBodyLimit', () => {
  it('public writes get the small limit; the rest (imports set their own) the default', () => {
    expect(routeBodyLimit({ method: 'POST', url: '/api/v1/contacts/import' }, http)).toBeUndefined();
    expect(routeBodyLimit({ method: 'POST', url: '/api/v1/auth/login', config: { public: true } }, http)).toBe(4096);
    expect(routeBodyLimit({ method: 'POST', url: '/api/v1/customers' }, http)).toBeUndefined();
    expect(routeBodyLimit({ method: 'GET', url: '/api/v1/contacts/import' }, http)).toBeUndefined();
  });

  it('the default config is 1 MiB, 32 MiB for imports, 4 KiB without a key', () => {
    expect(http.bodyLimit).toBe(1024 * 1024);
    expect(loadConfig().imports.maxBytes).toBe(32 * 1024 * 1024);
    expect(http.publicBodyLimit).toBe(4096);
  });
});
