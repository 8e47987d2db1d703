/**
 * SMS benchmark:
 * 1. messages per minute through one simulated dongle (driver over a socat pty
 *    to the simulator; the simulated network answers each part after
 *    `sendDelayMs`, stated in the output; a real network takes 1-5 s a part);
 * 2. encode and decode of 10,000 mixed messages (GSM 7-bit, UCS-2 Chinese,
 *    long multipart) through our codec vs the raw node-pdu library.
 *
 *   npm run bench -- sms
 *
 * Prints a table and writes bench/results/sms.json. Figures only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Submit, parse } from 'node-pdu';
import { GsmDongle } from '../../drivers/gsm-dongle/driver.ts';
import { startSimulatedDongle } from '../../drivers/gsm-dongle/simulator.ts';
import { decodePdu, encodeSubmit } from '../../drivers/gsm-dongle/codec.ts';
import { Concatenator } from '../../drivers/gsm-dongle/concat.ts';
import { deliverPdus } from '../../drivers/gsm-dongle/sim-pdu.ts';

export interface SmsBenchOptions { messages?: number; codecMessages?: number; out?: string | null; log?: (l: string) => void }

async function throughput(sendDelayMs: number, messages: number) {
  const s = await startSimulatedDongle({ sendDelayMs, reportDelayMs: null });
  const d = new GsmDongle({ id: 'bench', path: s.driverPath });
  try {
    await d.start();
    const t0 = Date.now();
    while (d.status().state !== 'ready') {
      if (Date.now() - t0 > 10_000) throw new Error(`dongle not ready: ${JSON.stringify(d.status())}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const start = performance.now();
    for (let i = 0; i < messages; i++) await d.send('+8613800138000', `Bench message ${i}: your order has shipped`, { statusReport: true });
    const ms = performance.now() - start;
    return { sendDelayMs, messages, parts: messages, ms: Math.round(ms), perMinute: Math.round((messages / ms) * 60_000), msPerMessage: +(ms / messages).toFixed(2) };
  } finally {
    await d.stop();
    await s.close();
  }
}

function mixed(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    out.push(k === 0 ? `Order ${i} shipped, arriving tomorrow.`
      : k === 1 ? `您好，订单${i}已发货，明天送达。`
      : k === 2 ? `Reminder ${i}: `.concat('your appointment is tomorrow at 10. '.repeat(6))
      : `尊敬的客户${i}：`.concat('您的快递已到达小区门口，请尽快领取。'.repeat(5)));
  }
  return out;
}

function time(fn: () => number): { ms: number; units: number } {
  const t0 = performance.now();
  const units = fn();
  return { ms: +(performance.now() - t0).toFixed(1), units };
}

export async function run(opts: SmsBenchOptions = {}) {
  const log = opts.log ?? console.log;
  const messages = opts.messages ?? 300;
  const send = [await throughput(20, messages), await throughput(0, messages)];
  log('| simulator delay per part | messages | time ms | messages/min | ms/message |');
  log('|---|---|---|---|---|');
  for (const r of send) log(`| ${r.sendDelayMs} ms | ${r.messages} | ${r.ms} | ${r.perMinute} | ${r.msPerMessage} |`);

  const texts = mixed(opts.codecMessages ?? 10_000);
  const to = '+8613800138000';
  // Warm both paths up (JIT) on a slice before timing.
  for (const t of texts.slice(0, 500)) { encodeSubmit(to, t, { statusReport: true, ref: 1 }); const w = new Submit(to, t); w.getParts().map((p) => p.toString(w)); }
  const oursEnc = time(() => texts.reduce((n, t, i) => n + encodeSubmit(to, t, { statusReport: true, ref: i }).parts.length, 0));
  const rawEnc = time(() => texts.reduce((n, t) => { const s = new Submit(to, t); s.type.setStatusReportRequest(1); return n + s.getParts().map((p) => p.toString(s)).length; }, 0));
  const pdus = texts.flatMap((t, i) => deliverPdus({ from: '+8613912345678', text: t, ref: i & 0xff, refBits: i % 2 ? 16 : 8 }));
  for (const p of pdus.slice(0, 500)) { decodePdu(p); parse(p); }
  let joined = 0;
  const oursDec = time(() => {
    const c = new Concatenator({ timeoutMs: 60_000, deliver: () => { joined++; } });
    for (const p of pdus) { const d = decodePdu(p); if (d.kind === 'deliver') c.add(d); }
    c.drain();
    return pdus.length;
  });
  const rawDec = time(() => { for (const p of pdus) parse(p); return pdus.length; });
  const codec = {
    messages: texts.length, parts: pdus.length, joinedMessages: joined,
    encode: { oursMs: oursEnc.ms, rawMs: rawEnc.ms, oursParts: oursEnc.units, rawParts: rawEnc.units, oursMsgPerS: Math.round(texts.length / (oursEnc.ms / 1000)), rawMsgPerS: Math.round(texts.length / (rawEnc.ms / 1000)) },
    decode: { oursMs: oursDec.ms, rawMs: rawDec.ms, oursPartsPerS: Math.round(pdus.length / (oursDec.ms / 1000)), rawPartsPerS: Math.round(pdus.length / (rawDec.ms / 1000)), note: 'ours = decode + concatenation joining; raw = node-pdu parse() alone' },
  };
  log('');
  log(`| codec (${texts.length} messages, ${pdus.length} parts) | ours ms | raw node-pdu ms | ours/s | raw/s |`);
  log('|---|---|---|---|---|');
  log(`| encode (split into parts) | ${codec.encode.oursMs} | ${codec.encode.rawMs} | ${codec.encode.oursMsgPerS} msg | ${codec.encode.rawMsgPerS} msg |`);
  log(`| decode (+ join for ours) | ${codec.decode.oursMs} | ${codec.decode.rawMs} | ${codec.decode.oursPartsPerS} parts | ${codec.decode.rawPartsPerS} parts |`);
  const result = { at: new Date().toISOString(), send, codec };
  const out = opts.out === undefined ? resolve('bench/results/sms.json') : opts.out;
  if (out) { await mkdir(dirname(out), { recursive: true }); await writeFile(out, JSON.stringify(result, null, 2)); }
  return result;
}
