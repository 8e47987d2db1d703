import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { KefuError } from '../../core/errors.ts';
import type { Recording as RecordingRow } from '../../core/call/records.ts';
import { AudioHeaders, RangeNotSatisfiable, Recording, RecordingList, RecordingQuery } from './schemas.ts';

const MIME: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', ogg: 'audio/ogg', opus: 'audio/ogg', flac: 'audio/flac' };

/**
 * Parses a single-range `Range` header against a file of `size` bytes.
 * Returns null when the header should be ignored (absent, not bytes, several
 * ranges: the whole file is sent), 'unsatisfiable' for a range past the end.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** /recordings: call recordings and their audio. */
export const recordingRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { recordings } = ctx.repos;
  const tags = ['recordings'];
  const withUrl = (r: RecordingRow) => ({ ...r, audioUrl: `/api/v1/recordings/${r.id}/audio` });
  const recordingsDir = () => ctx.config.recording.dir ?? resolve(ctx.config.dataDir, 'recordings');

  app.get('/recordings', { schema: { tags, summary: 'List recordings, newest first', querystring: RecordingQuery, response: { 200: RecordingList } } }, async (req) => {
    const p = await recordings.list(req.query);
    return { items: p.items.map(withUrl), next: p.next };
  });

  app.get('/recordings/:id', { schema: { tags, summary: 'Recording metadata', params: IdParams, response: { 200: Recording } } }, async (req) => {
    const { path: _path, ...r } = await recordings.get(req.params.id);
    return withUrl(r);
  });

  app.get('/recordings/:id/audio', {
    schema: {
      tags, summary: 'The audio file', description: 'Streams the file; honours a single byte Range (206) so players can seek. 404 when the file is missing.',
      params: IdParams, headers: AudioHeaders,
      response: {
        200: { description: 'the whole file', content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } } },
        206: { description: 'the requested byte range', content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } } },
        416: RangeNotSatisfiable,
      },
    },
  }, async (req, reply) => {
    const rec = await recordings.get(req.params.id);
    const file = isAbsolute(rec.path) ? rec.path : resolve(recordingsDir(), rec.path);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) throw new KefuError('NOT_FOUND', `the audio file of recording ${rec.id} is missing`);
    const size = st.size;
    reply
      .type(MIME[rec.format] ?? 'application/octet-stream')
      .header('accept-ranges', 'bytes')
      .header('last-modified', st.mtime.toUTCString())
      .header('cache-control', 'private, max-age=0');
    if (rec.sha256) reply.header('etag', `"${rec.sha256}"`);
    const ifRange = req.headers['if-range'];
    const useRange = !ifRange || (rec.sha256 !== null && ifRange === `"${rec.sha256}"`) || ifRange === st.mtime.toUTCString();
    const range = useRange ? parseRange(req.headers.range, size) : null;
    if (range === 'unsatisfiable') {
      return reply.status(416).header('content-range', `bytes */${size}`).type('application/json')
        .send({ error: { code: 'RANGE_NOT_SATISFIABLE' as const, message: `range ${req.headers.range} is outside the file (${size} bytes)` } });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    if (range) reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    reply.header('content-length', String(size === 0 ? 0 : end - start + 1));
    // The typed reply only knows JSON-ish bodies; a stream is sent as is. HEAD (and an
    // empty file) gets an empty stream so Fastify keeps the Content-Length set above.
    const body = req.method === 'HEAD' || size === 0 ? Readable.from([]) : createReadStream(file, { start, end });
    return (reply as FastifyReply).send(body);
  });
};
