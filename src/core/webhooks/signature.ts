/**
 * Webhook signatures: HMAC-SHA256 with the subscription's secret over
 * `${timestamp}.${body}` (timestamp: Unix seconds as sent in Kefu-Timestamp,
 * body: the exact bytes of the request body), hex, sent as
 * `Kefu-Signature: v1=<hex>`. docs/webhooks.md shows a receiver checking it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_VERSION = 'v1';

export function sign(secret: string, timestamp: number, body: string): string {
  return `${SIGNATURE_VERSION}=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when `header` holds a v1 signature of this timestamp and body, and the timestamp is within `toleranceS` of `nowS`. */
export function verify(secret: string, header: string, timestamp: number, body: string, nowS: number, toleranceS = 300): boolean {
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowS - timestamp) > toleranceS) return false;
  const want = Buffer.from(sign(secret, timestamp, body));
  return header.split(',').map((s) => s.trim()).some((got) => {
    const g = Buffer.from(got);
    return g.length === want.length && timingSafeEqual(g, want);
  });
}

/** A new secret: 32 random bytes, base64url, with a prefix that says what it is. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;
