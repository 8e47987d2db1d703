/**
 * HTTP/1.1 over a plain socket, so a test sends the request target exactly as
 * written (percent-encodings, dot segments, absolute form) — fetch() and
 * inject() would normalise it first.
 */
import { connect } from 'node:net';

export interface RawResponse { status: number; headers: Record<string, string>; body: string }

export function rawRequest(port: number, req: { method: string; target: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.setTimeout(30_000, () => sock.destroy(new Error(`no answer to ${req.method} ${req.target} in 30 s`)));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks);
      const headEnd = all.indexOf('\r\n\r\n');
      const text = all.toString('utf8');
      const head = (headEnd < 0 ? all : all.subarray(0, headEnd)).toString('latin1');
      const [statusLine, ...lines] = head.split('\r\n');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '');
      if (!m) { reject(new Error(`no HTTP answer to ${req.method} ${req.target}: ${JSON.stringify(text.slice(0, 200))}`)); return; }
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let body: Buffer = headEnd < 0 ? Buffer.alloc(0) : all.subarray(headEnd + 4);
      if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
      resolve({ status: Number(m[1]), headers, body: body.toString('utf8') });
    });
    const body = req.body ?? '';
    const headers = { host: `127.0.0.1:${port}`, connection: 'close', ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) };
    // write, not end: a half-closed socket may be dropped before a streamed answer is sent
    sock.write(`${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
  });
}

function unchunk(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const nl = b.indexOf('\r\n', i);
    if (nl < 0) return Buffer.concat(parts);
    const size = parseInt(b.subarray(i, nl).toString('latin1'), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(b.subarray(nl + 2, nl + 2 + size));
    i = nl + 2 + size + 2;
  }
}
