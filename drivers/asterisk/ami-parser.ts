/**
 * AMI framing: "Key: Value" lines ending in CRLF, messages ending in an empty
 * line; the first line after connecting is the banner. Never throws.
 */
export type AmiMessage = Record<string, string>;

export class AmiParser {
  private buf = '';
  private banner = false;

  /** Feed bytes; returns the complete messages (and the banner as { Banner }). */
  push(chunk: Buffer | string): AmiMessage[] {
    this.buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.buf.length > 1_048_576) this.buf = this.buf.slice(-65_536); // a runaway peer cannot grow us without bound
    const out: AmiMessage[] = [];
    if (!this.banner) {
      const nl = this.buf.indexOf('\n');
      if (nl < 0) return out;
      out.push({ Banner: this.buf.slice(0, nl).replace(/\r$/, '') });
      this.buf = this.buf.slice(nl + 1);
      this.banner = true;
    }
    for (;;) {
      const end = this.buf.search(/\r?\n\r?\n/);
      if (end < 0) break;
      const block = this.buf.slice(0, end);
      this.buf = this.buf.slice(end).replace(/^\r?\n\r?\n/, '');
      const msg: AmiMessage = {};
      for (const line of block.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const key = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        msg[key] = key in msg ? `${msg[key]}\n${value}` : value;
      }
      if (Object.keys(msg).length > 0) out.push(msg);
    }
    return out;
  }
}

/** Serialise an action; values with line breaks are refused (they would inject headers). */
export function formatAction(action: string, fields: Record<string, string | number | undefined | Array<string>>, actionId: string): string {
  const lines = [`Action: ${action}`, `ActionID: ${actionId}`];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [String(v)]) {
      if (/[\r\n]/.test(one) || /[\r\n:]/.test(k)) throw new Error(`AMI field ${k}: line breaks are not allowed`);
      lines.push(`${k}: ${one}`);
    }
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
