import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { KefuError } from '../../core/errors.ts';
import type { CardScan } from '../../services/card-scan/scanner.ts';
import { CardScanResult, IMAGE_TYPES } from './scan-schemas.ts';

/** The labels a scanned phone gets in the contact. */
const LABEL = { mobile: 'mobile', landline: 'work', service: 'work', fax: 'fax' } as const;

function draftOf(s: CardScan) {
  const f = s.fields;
  return {
    name: f.name?.value ?? '',
    company: f.company?.value ?? null,
    title: f.title?.value ?? null,
    email: f.email?.value ?? null,
    address: f.address?.value ?? null,
    phones: f.phones.slice(0, 20).map((p) => ({ number: p.number, label: LABEL[p.kind] })),
    notes: f.website ? `Website: ${f.website.value}` : null,
  };
}

/** POST /contacts/scan: a business-card photo read into a draft contact (名片扫描). */
export const cardScanRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Any content type is read as bytes here: what the file is, is decided by its first bytes.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  for (const t of IMAGE_TYPES) app.addContentTypeParser(t, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/contacts/scan', {
    config: { roles: ['admin', 'supervisor', 'agent', 'integrator'] },
    bodyLimit: ctx.config.cardScan.maxBytes,
    schema: {
      tags: ['contacts'], summary: 'Read a business card photo into a draft contact',
      description: 'The body is the photo (JPEG, PNG or WebP; Content-Type image/* or application/octet-stream; at most cardScan.maxBytes, else 413). '
        + 'It is turned upright (EXIF, quarter turns, skew), read by OCR (chi_sim+eng) and the fields extracted, each with a confidence. '
        + 'Nothing is saved: after the user has checked `draft`, POST it to /contacts.',
      body: { content: Object.fromEntries(IMAGE_TYPES.map((t) => [t, { schema: Type.Any({ description: 'the photo bytes (binary)' }) }])) },
      response: { 200: CardScanResult },
    },
  }, async (req) => {
    const scanner = ctx.cardScanner;
    if (!scanner) throw new KefuError('UNPROCESSABLE', 'card scanning is off (cardScan.engine: none)');
    const body: unknown = req.body;
    if (body === undefined || body === null || (Buffer.isBuffer(body) && body.length === 0)) {
      throw new KefuError('BAD_REQUEST', 'image: the body is empty; send the card photo (JPEG, PNG or WebP) as the body', { field: 'image' });
    }
    if (!Buffer.isBuffer(body)) throw new KefuError('BAD_REQUEST', 'image: send the card photo as the body with Content-Type image/jpeg, image/png or image/webp', { field: 'image' });
    const abort = new AbortController();
    const onClose = () => { if (!req.raw.complete || req.raw.destroyed) abort.abort(); };
    req.raw.socket?.once('close', onClose);
    try {
      const s = await scanner.scan(body, { signal: abort.signal });
      return { draft: draftOf(s), fields: s.fields, lowConfidence: s.lowConfidence, text: s.text, confidence: s.confidence, image: s.image, engine: s.engine, elapsedMs: s.elapsedMs };
    } finally {
      req.raw.socket?.off('close', onClose);
    }
  });
};
