import { describe, expect, it } from 'vitest';
import { newSecret, sign, verify } from './signature.ts';

describe('webhook signatures', () => {
  const body = '{"type":"call.ended"}';
  it('is HMAC-SHA256 over "timestamp.body", hex, as v1= (vector from openssl dgst -sha256 -hmac)', () => {
    expect(sign('whsec_test', 1_700_000_000, body)).toBe('v1=413712fd341af8a158348ace10d30682b2aec368c23370f902dc487652f41111');
  });
  it('verifies within the tolerance only, and not with another secret, body or timestamp', () => {
    const sig = sign('whsec_test', 1_700_000_000, body);
    expect(verify('whsec_test', sig, 1_700_000_000, body, 1_700_000_100)).toBe(true);
    expect(verify('whsec_test', `v0=abc, ${sig}`, 1_700_000_000, body, 1_700_000_000)).toBe(true);
    expect(verify('whsec_test', sig, 1_700_000_000, body, 1_700_000_301)).toBe(false);
    expect(verify('whsec_other', sig, 1_700_000_000, body, 1_700_000_000)).toBe(false);
    expect(verify('whsec_test', sig, 1_700_000_000, `${body} `, 1_700_000_000)).toBe(false);
    expect(verify('whsec_test', sig, 1_700_000_001, body, 1_700_000_001)).toBe(false);
  });
  it('makes secrets of 32 random bytes', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });
});
