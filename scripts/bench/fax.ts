/**
 * Fax on the real Asterisk lab (res_fax_spandsp on both instances, G.711):
 * the fax driver (drivers/asterisk/fax.ts) sends a multi-page document to
 * the carrier's fax machine, receives one from the carrier's fax sender, and
 * sends several at once. Reports pages per minute (answer to the end of the
 * session, and dial to end) and the fidelity of every page received: the
 * share of ink on either page that is on both, rendered at fax resolution
 * (1.0: pixel for pixel). Writes bench/results/fax.json.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { AsteriskFax } from '../../drivers/asterisk/fax.ts';
import type { FaxEvent } from '../../src/core/ports.ts';
import type { FaxOutcome } from '../../src/core/fax/records.ts';
import { startLab, type Lab } from '../../test/helpers/asterisk-lab.ts';
import { compareDocuments, makeTestPdf, pdfToTiff } from '../../test/helpers/fax-pages.ts';
import { table } from './load.ts';

const PAGES = Number(process.env.KEFU_BENCH_FAX_PAGES ?? 3);
const CONCURRENT = Number(process.env.KEFU_BENCH_FAX_CONCURRENT ?? 4);

interface Run { what: string; pages: number; ok: boolean; sessionS: number; totalS: number; pagesPerMin: number; bitRate: number | null; fidelityMin: number; fidelityMean: number }

function fidelity(sent: string, received: string): { min: number; mean: number; pages: number } {
  const c = compareDocuments(sent, received);
  const f = c.pages.map((p) => p.inkOverlap);
  return { min: f.length ? Math.min(...f) : 0, mean: f.length ? f.reduce((a, b) => a + b, 0) / f.length : 0, pages: c.receivedPages };
}

async function session(fax: AsteriskFax, start: (id: string) => Promise<boolean>): Promise<{ outcome: FaxOutcome | null; sessionS: number; totalS: number }> {
  const id = randomUUID();
  const t0 = performance.now();
  let t1 = t0;
  const done = new Promise<FaxOutcome>((resolve) => {
    const off = fax.on((e: FaxEvent) => { if (e.type === 'done' && e.faxId === id) { off(); resolve(e.outcome); } });
  });
  const started = await start(id);
  t1 = performance.now();
  if (!started) return { outcome: null, sessionS: 0, totalS: (performance.now() - t0) / 1000 };
  const outcome = await done;
  const t2 = performance.now();
  return { outcome, sessionS: (t2 - t1) / 1000, totalS: (t2 - t0) / 1000 };
}

function row(what: string, s: { outcome: FaxOutcome | null; sessionS: number; totalS: number }, fid: { min: number; mean: number; pages: number }): Run {
  const pages = s.outcome?.pages ?? 0;
  return {
    what, pages, ok: s.outcome?.ok ?? false, sessionS: +s.sessionS.toFixed(1), totalS: +s.totalS.toFixed(1),
    pagesPerMin: s.totalS > 0 ? +(pages / (s.totalS / 60)).toFixed(2) : 0, bitRate: s.outcome?.bitRate ?? null,
    fidelityMin: +fid.min.toFixed(4), fidelityMean: +fid.mean.toFixed(4),
  };
}

export async function run(): Promise<unknown> {
  const lab: Lab = await startLab();
  const work = join(lab.dir, 'bench-fax');
  mkdirSync(join(work, 'rx'), { recursive: true });
  const e = lab.env;
  const fax = new AsteriskFax(
    { url: e.KEFU_LAB_PBX_ARI_URL!, username: e.KEFU_LAB_PBX_ARI_USER!, password: e.KEFU_LAB_PBX_ARI_PASSWORD!, app: e.KEFU_LAB_PBX_ARI_APP! },
    { host: '127.0.0.1', port: Number(e.KEFU_LAB_PBX_AMI_PORT), username: e.KEFU_LAB_PBX_AMI_USER!, secret: e.KEFU_LAB_PBX_AMI_SECRET! },
    pino({ level: 'warn' }),
  );
  try {
    await fax.start({ spoolDir: work, stationId: '+86 10 8888 0000' });
    const pdf = join(work, 'doc.pdf');
    const tiff = join(work, 'doc.tif');
    makeTestPdf(pdf, PAGES, 'kefu fax bench');
    pdfToTiff(pdf, tiff);
    await lab.carrier.action('Setvar', { Variable: 'FAX_RX_DIR', Value: join(work, 'rx') });
    await lab.carrier.action('Setvar', { Variable: 'FAX_TX_FILE', Value: tiff });
    const runs: Run[] = [];
    const trunk = e.KEFU_LAB_PBX_TRUNK!;

    const send = async (n: number) => {
      const number = `13680${String(n).padStart(6, '0')}`;
      const s = await session(fax, async (id) => (await fax.send({ faxId: id, dial: `PJSIP/${number}@${trunk}`, file: tiff, callerId: '<01088880000>', timeoutS: 30 })) === 'answered');
      const rx = join(work, 'rx', `${number}.tif`);
      for (let i = 0; i < 50 && !existsSync(rx); i++) await new Promise((r) => setTimeout(r, 100));
      return { s, fid: existsSync(rx) ? fidelity(tiff, rx) : { min: 0, mean: 0, pages: 0 } };
    };
    const one = await send(1);
    runs.push(row(`send ${PAGES} pages`, one.s, one.fid));

    // Reception: the PBX calls the carrier's fax sender and receives through kefu-fax,receive (the path inbound faxes take).
    const rxFile = join(work, 'received.tif');
    const inbound = await session(fax, async (id) => (await fax.poll({ faxId: id, dial: `PJSIP/13683000001@${trunk}`, file: rxFile, callerId: '<01088880000>', timeoutS: 30 })) === 'answered');
    runs.push(row(`receive ${PAGES} pages`, inbound, existsSync(rxFile) ? fidelity(tiff, rxFile) : { min: 0, mean: 0, pages: 0 }));

    const t0 = performance.now();
    const many = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => send(10 + i)));
    const wallS = (performance.now() - t0) / 1000;
    many.forEach((m, i) => runs.push(row(`send ${PAGES} pages, ${CONCURRENT} at once (#${i + 1})`, m.s, m.fid)));
    const pagesAtOnce = many.reduce((a, m) => a + (m.s.outcome?.pages ?? 0), 0);

    console.log(table(runs.map((r) => ({
      run: r.what, pages: r.pages, ok: r.ok ? 'yes' : 'no', 'session s': r.sessionS, 'dial→end s': r.totalS, 'pages/min': r.pagesPerMin,
      'bit/s': r.bitRate ?? '-', 'fidelity min': r.fidelityMin, 'fidelity mean': r.fidelityMean,
    }))));
    const result = {
      pagesPerDocument: PAGES,
      single: { send: runs[0], receive: runs[1] },
      concurrent: { sessions: CONCURRENT, pages: pagesAtOnce, wallS: +wallS.toFixed(1), pagesPerMin: +(pagesAtOnce / (wallS / 60)).toFixed(2) },
      fidelity: { min: Math.min(...runs.map((r) => r.fidelityMin)), mean: +(runs.reduce((a, r) => a + r.fidelityMean, 0) / runs.length).toFixed(4) },
      runs,
    };
    console.log(`\n${CONCURRENT} sessions at once: ${pagesAtOnce} pages in ${result.concurrent.wallS} s = ${result.concurrent.pagesPerMin} pages/min`);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/fax.json', JSON.stringify(result, null, 2));
    return result;
  } finally {
    await fax.stop();
    await lab.stop();
  }
}
