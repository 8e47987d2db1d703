/**
 * Fax on the multi-seat backend against the real Asterisk lab: kefu sends a
 * multi-page PDF to the carrier's fax machine (res_fax_spandsp on both
 * sides, G.711), the carrier's fax machine calls in and its calling tone
 * (CNG) takes the call from the IVR to fax reception, failed sends are
 * retried. Pages are compared pixel by pixel with what was sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, TEST_KEY, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { compareDocuments, makeTestPdf, pdfToTiff } from '../helpers/fax-pages.ts';

const FLOW = {
  id: 'fax-menu', name: 'Menu a fax machine calls', entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Press one for sales, two for support.', voice: 'en-us' }, options: { 1: 'bye', 2: 'bye' }, timeoutMs: 8000, retries: 2 },
    bye: { type: 'hangup' },
  },
};

interface FaxOut { id: string; status: string; pages: number | null; attempts: number; resultCode: string | null; remoteStationId: string | null; number: string | null; customerId: string | null; detected: string | null; documentUrl: string | null; bitRate: number | null }

describe(`Asterisk fax on ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  let work: string;

  const postPdf = async (pdf: Buffer, query: string) => {
    const res = await fetch(`${daemon.url}/api/v1/fax?${query}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) });
    return { status: res.status, body: await res.json() as FaxOut & { error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    lab = await startLab();
    work = join(lab.dir, 'fax-work');
    mkdirSync(join(work, 'rx'), { recursive: true });
    await lab.carrier.action('Setvar', { Variable: 'FAX_RX_DIR', Value: join(work, 'rx') });
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: labDaemonConfig(lab, { channels: 2, flow: FLOW.id }, { fax: { stationId: '+86 10 8888 0000', ringTimeoutS: 6, retry: { maxAttempts: 2, delayS: 1, backoff: 1 } } }),
    });
    events = await eventClient(daemon.url);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    await waitForLineIdle(daemon, 'trunk1');
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  it('sends a 3-page PDF to a fax machine: sent, every page arrives as sent', async () => {
    const pdf = join(work, 'out.pdf');
    makeTestPdf(pdf, 3, 'kefu to carrier');
    const c = await daemon.api<{ id: string }>('POST', '/customers', { name: 'Fax Customer', phones: [{ number: '13680000001' }] });
    const sent = await postPdf(readFileSync(pdf), 'number=136%208000%200001');
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'queued', pages: 3, number: '+8613680000001', customerId: c.body.id, attempts: 0 });
    const id = sent.body.id;
    await events.waitFor((e) => e.type === 'fax.status' && e.data.faxId === id && e.data.status === 'sending', 10_000);
    const done = await events.waitFor((e) => e.type === 'fax.status' && e.data.faxId === id && (e.data.status === 'sent' || e.data.status === 'failed'), 150_000)
      .catch((err: unknown) => { throw new Error(`${String(err)}\n${daemon.output().split('\n').filter((l) => /fax/i.test(l)).slice(-10).join('\n')}`); });
    expect(done.data).toMatchObject({ status: 'sent', attempts: 1, resultCode: 'OK' });
    const got = (await daemon.api<FaxOut>('GET', `/fax/${id}`)).body;
    expect(got).toMatchObject({ status: 'sent', pages: 3, remoteStationId: 'LAB 13680000001' });
    expect(got.bitRate).toBeGreaterThanOrEqual(9600);
    const rx = join(work, 'rx', '13680000001.tif');
    await until('the carrier stored the fax', () => existsSync(rx));
    const cmp = compareDocuments(pdfToTiffAt(pdf, join(work, 'out.tif')), rx);
    expect(cmp.receivedPages).toBe(3);
    for (const p of cmp.pages) expect(p.inkOverlap).toBeGreaterThan(0.98);
    const doc = await daemon.api('GET', `/fax/${id}/document`);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('application/pdf');
    const timeline = await daemon.api<{ items: Array<{ kind: string; refId: string }> }>('GET', `/customers/${c.body.id}/interactions`);
    expect(timeline.body.items.some((i) => i.kind === 'fax' && i.refId === id)).toBe(true);
  });

  it('a fax machine calls into the IVR: its tone routes the call to reception; TIFF and PDF stored, pages as sent, in the customer timeline', async () => {
    const pdf = join(work, 'in.pdf');
    makeTestPdf(pdf, 2, 'carrier to kefu');
    const tiff = pdfToTiffAt(pdf, join(work, 'in.tif'));
    const c = await daemon.api<{ id: string }>('POST', '/customers', { name: '李雷', phones: [{ number: '13800138077' }] });
    await lab.carrier.action('Originate', {
      Channel: 'PJSIP/8000@pbx', Context: 'fax-caller', Exten: 's', Priority: 1, CallerID: '"FAX" <13800138077>',
      Variable: [`FAX_FILE=${tiff}`, 'FAX_STATION=+86 21 5555 1234'], Async: 'true', Timeout: 30000,
    });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613800138077', 20_000);
    const receiving = await events.waitFor((e) => e.type === 'fax.status' && e.data.status === 'receiving' && e.data.number === '+8613800138077', 30_000);
    const id = receiving.data.faxId as string;
    await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 30_000);
    const received = await events.waitFor((e) => e.type === 'fax.received' && e.data.faxId === id, 120_000)
      .catch((err: unknown) => { throw new Error(`${String(err)}\n${daemon.output().split('\n').filter((l) => /fax/i.test(l)).slice(-10).join('\n')}`); });
    expect(received.data).toMatchObject({ pages: 2, customerId: c.body.id, remoteStationId: '+86 21 5555 1234', status: 'complete' });
    const got = (await daemon.api<FaxOut>('GET', `/fax/${id}`)).body;
    expect(got).toMatchObject({ status: 'received', pages: 2, detected: 'cng', resultCode: 'OK', number: '+8613800138077' });
    const doc = await daemon.api('GET', `/fax/${id}/document`);
    expect(doc.status).toBe(200);
    const cmp = compareDocuments(tiff, storedPdf(doc.raw, join(work, 'got.pdf')));
    expect(cmp.receivedPages).toBe(2);
    for (const p of cmp.pages) expect(p.inkOverlap).toBeGreaterThan(0.98);
    const png = await daemon.api('GET', `/fax/${id}/pages/2`);
    expect(png.status).toBe(200);
    expect(png.raw.subarray(1, 4).toString()).toBe('PNG');
    expect((await daemon.api('GET', `/fax/${id}/pages/3`)).status).toBe(404);
    const timeline = await daemon.api<{ items: Array<{ kind: string; refId: string }> }>('GET', `/customers/${c.body.id}/interactions`);
    expect(timeline.body.items.some((i) => i.kind === 'fax' && i.refId === id)).toBe(true);
    const inbox = await daemon.api<{ items: FaxOut[] }>('GET', '/fax?direction=inbound&number=138%200013%208077');
    expect(inbox.body.items.map((f) => f.id)).toEqual([id]);
  });

  it('a number that never answers: tried again per fax.retry, then failed with NO_ANSWER', async () => {
    const pdf = join(work, 'na.pdf');
    makeTestPdf(pdf, 1);
    const sent = await postPdf(readFileSync(pdf), 'number=13681000001');
    expect(sent.status).toBe(202);
    const id = sent.body.id;
    const retry = await events.waitFor((e) => e.type === 'fax.status' && e.data.faxId === id && e.data.status === 'queued' && e.data.attempts === 1, 30_000);
    expect(retry.data.resultCode).toBe('NO_ANSWER');
    const failed = await events.waitFor((e) => e.type === 'fax.status' && e.data.faxId === id && e.data.status === 'failed', 40_000);
    expect(failed.data).toMatchObject({ attempts: 2, resultCode: 'NO_ANSWER' });
  });

  it('an IVR fax node hands the call to reception on purpose: received, the call ends completed with the fax node in its path', async () => {
    const flow = { id: FLOW.id, name: 'Fax line', entry: 'fax', nodes: { fax: { type: 'fax', fallback: 'bye' }, bye: { type: 'hangup' } } };
    expect((await daemon.api('PUT', `/ivr/flows/${FLOW.id}`, flow)).status).toBe(200);
    const pdf = join(work, 'ivr.pdf');
    makeTestPdf(pdf, 1, 'ivr fax node');
    const tiff = pdfToTiffAt(pdf, join(work, 'ivr.tif'));
    await lab.carrier.action('Originate', {
      Channel: 'PJSIP/8000@pbx', Context: 'fax-caller', Exten: 's', Priority: 1, CallerID: '"FAX" <13800138099>',
      Variable: [`FAX_FILE=${tiff}`, 'FAX_STATION=IVR SENDER'], Async: 'true', Timeout: 30000,
    });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613800138099', 20_000);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 30_000);
    expect(ended.data.disposition).toBe('completed');
    const received = await events.waitFor((e) => e.type === 'fax.received' && e.data.number === '+8613800138099', 90_000);
    expect(received.data).toMatchObject({ pages: 1, remoteStationId: 'IVR SENDER', status: 'complete' });
    expect((await daemon.api<FaxOut>('GET', `/fax/${received.data.faxId as string}`)).body.detected).toBe('ivr');
    const call = await daemon.api<{ ivrPath: Array<{ node: string }> }>('GET', `/calls/${ringing.data.callId as string}`);
    expect(call.body.ivrPath.map((s) => s.node)).toEqual(['fax']);
  });

  it('diagnostics: res_fax_spandsp and the kefu-fax context are there; gs and tiff2pdf installed', async () => {
    const r = await daemon.api<{ checks: Array<{ id: string; ok: boolean; detail: string }> }>('GET', '/diagnostics');
    const byId = Object.fromEntries(r.body.checks.map((c) => [c.id, c]));
    for (const id of ['asterisk-fax', 'tool-gs', 'tool-tiff2pdf']) expect(byId[id]?.ok, `${id}: ${byId[id]?.detail}`).toBe(true);
  });

  it('refuses what is not a PDF and a bad number, naming the field', async () => {
    const notPdf = await postPdf(Buffer.from('hello'), 'number=13680000002');
    expect(notPdf.status).toBe(422);
    expect(notPdf.body.error?.message).toMatch(/document: not a PDF/);
    const pdf = join(work, 'one.pdf');
    makeTestPdf(pdf, 1);
    const badNumber = await postPdf(readFileSync(pdf), 'number=12');
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.error?.message).toMatch(/number/);
    const badLine = await postPdf(readFileSync(pdf), 'number=13680000002&line=nope');
    expect(badLine.status).toBe(400);
    expect(badLine.body.error?.message).toMatch(/line: "nope" is not a line that can fax/);
  });
});

function pdfToTiffAt(pdf: string, tiff: string): string { pdfToTiff(pdf, tiff); return tiff; }
function storedPdf(data: Buffer, path: string): string { writeFileSync(path, data); return path; }
