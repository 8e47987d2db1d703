/**
 * Fax on a class 2.0 modem line, end to end through the daemon on the
 * database (PGlite and PostgreSQL): the daemon opens a pty whose far side is
 * the class 2.0 simulator; POST /fax sends a multi-page PDF through it (pages
 * compared with what was sent), a fax machine calling is answered and
 * received without a person (TIFF and PDF stored, fax.received), a busy
 * number is retried then failed. And `serve --demo`: the demo fax line
 * receives the welcome fax, so the inbox has one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, TEST_KEY, type DaemonProcess } from '../helpers/daemon.ts';
import { compareDocuments, makeTestPdf, pdfToTiff } from '../helpers/fax-pages.ts';
import { until } from '../helpers/wait.ts';
import { createPtyPair, type PtyPair } from '../../drivers/v253-modem/pty.ts';
import { Fax2Simulator } from '../../drivers/v253-modem/fax2-sim.ts';
import { readFaxPages, writeFaxTiff } from '../../src/core/fax/tiff.ts';
import { reverseBits } from '../../drivers/v253-modem/fax2-protocol.ts';

interface FaxOut { id: string; status: string; pages: number | null; attempts: number; resultCode: string | null; remoteStationId: string | null; lineId: string | null; detected: string | null; number: string | null }

describe(`fax on a class 2.0 modem line on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let pty: PtyPair;
  let sim: Fax2Simulator;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;

  beforeAll(async () => {
    db = await freshDatabase();
    pty = await createPtyPair();
    sim = new Fax2Simulator({ path: pty.simulatorPath });
    await sim.start();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: { fax: { stationId: '+86 10 6666 0000', modems: [{ id: 'fax1', port: pty.driverPath }], retry: { maxAttempts: 2, delayS: 0, backoff: 1 } } },
    });
    events = await eventClient(daemon.url);
  });
  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await sim?.stop();
    await pty?.close();
    await db?.drop();
  });

  const postPdf = async (pdf: Buffer, query: string) => {
    const res = await fetch(`${daemon.url}/api/v1/fax?${query}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) });
    return { status: res.status, body: await res.json() as FaxOut };
  };

  it('POST /fax sends a 3-page PDF through the modem: the far end gets the pages as sent', async () => {
    sim.remote('13680000001', { kind: 'fax', stationId: 'SIM REMOTE' });
    const pdf = join(daemon.dataDir, 'out.pdf');
    makeTestPdf(pdf, 3, 'modem send');
    const sent = await postPdf(readFileSync(pdf), 'number=13680000001&line=fax1');
    expect(sent.status).toBe(202);
    const done = await events.waitFor((e) => e.type === 'fax.status' && e.data.faxId === sent.body.id && (e.data.status === 'sent' || e.data.status === 'failed'), 30_000);
    expect(done.data).toMatchObject({ status: 'sent', attempts: 1, resultCode: 'OK', lineId: 'fax1' });
    expect((await daemon.api<FaxOut>('GET', `/fax/${sent.body.id}`)).body).toMatchObject({ pages: 3, remoteStationId: 'SIM REMOTE' });
    expect(sim.localId).toBe('+86 10 6666 0000');
    const tiff = join(daemon.dataDir, 'out.tif');
    pdfToTiff(pdf, tiff);
    const ref = readFaxPages(readFileSync(tiff));
    const got = join(daemon.dataDir, 'far.tif');
    writeFileSync(got, writeFaxTiff(sim.received.at(-1)!.pages.map((data, i) => ({ ...ref[i]!, fillOrder: 2, data }))));
    const cmp = compareDocuments(tiff, got);
    expect(cmp.receivedPages).toBe(3);
    for (const p of cmp.pages) expect(p.equalPixels).toBe(1);
  });

  it('a fax machine calls: answered and received by itself, TIFF and PDF stored, fax.received', async () => {
    const pdf = join(daemon.dataDir, 'in.pdf');
    makeTestPdf(pdf, 2, 'modem receive');
    const tiff = join(daemon.dataDir, 'in.tif');
    pdfToTiff(pdf, tiff);
    sim.ring(readFaxPages(readFileSync(tiff)).map((p) => ({ ...p, fillOrder: 2, data: reverseBits(p.data) })), '+86 21 7777 0000', 300);
    const received = await events.waitFor((e) => e.type === 'fax.received', 30_000);
    expect(received.data).toMatchObject({ pages: 2, lineId: 'fax1', remoteStationId: '+86 21 7777 0000', status: 'complete' });
    const id = received.data.faxId as string;
    expect((await daemon.api<FaxOut>('GET', `/fax/${id}`)).body).toMatchObject({ status: 'received', detected: 'line', pages: 2, resultCode: 'OK' });
    const doc = await daemon.api('GET', `/fax/${id}/document`);
    expect(doc.status).toBe(200);
    writeFileSync(join(daemon.dataDir, 'got.pdf'), doc.raw);
    const cmp = compareDocuments(tiff, join(daemon.dataDir, 'got.pdf'));
    expect(cmp.receivedPages).toBe(2);
    for (const p of cmp.pages) expect(p.inkOverlap).toBeGreaterThan(0.99);
  });

  it('a busy number is tried again, then failed with BUSY', async () => {
    sim.remote('13681000001', { kind: 'busy' });
    const pdf = join(daemon.dataDir, 'busy.pdf');
    makeTestPdf(pdf, 1);
    const sent = await postPdf(readFileSync(pdf), 'number=13681000001');
    const failed = await events.waitFor((e) => e.type === 'fax.status' && e.data.faxId === sent.body.id && e.data.status === 'failed', 30_000);
    expect(failed.data).toMatchObject({ attempts: 2, resultCode: 'BUSY' });
  });
});

describe(`a queued fax survives a restart on ${testDbKind()}`, () => {
  it('the retry due after the restart is made by the new daemon, and the fax is sent', async () => {
    const db = await freshDatabase();
    const pty = await createPtyPair();
    const sim = new Fax2Simulator({ path: pty.simulatorPath });
    await sim.start();
    const config = { fax: { modems: [{ id: 'fax1', port: pty.driverPath }], retry: { maxAttempts: 3, delayS: 4, backoff: 1 } } };
    let daemon = await startDaemonProcess({ databaseUrl: db.url, config });
    const dataDir = daemon.dataDir;
    try {
      const events = await eventClient(daemon.url);
      const pdf = join(dataDir, 'later.pdf');
      makeTestPdf(pdf, 1, 'after the restart');
      // nobody answers the first attempt (the number is not scripted yet)
      const res = await fetch(`${daemon.url}/api/v1/fax?number=13680000077`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/pdf' }, body: new Uint8Array(readFileSync(pdf)) });
      const id = (await res.json() as FaxOut).id;
      await events.waitFor((e) => e.type === 'fax.status' && e.data.faxId === id && e.data.status === 'queued' && e.data.attempts === 1, 20_000);
      events.close();
      await daemon.stop();
      sim.remote('13680000077', { kind: 'fax', stationId: 'BACK AGAIN' });
      daemon = await startDaemonProcess({ databaseUrl: db.url, config, dataDir });
      const sent = await until('the fax sent by the restarted daemon', async () => {
        const f = (await daemon.api<FaxOut>('GET', `/fax/${id}`)).body;
        return f.status === 'sent' || f.status === 'failed' ? f : null;
      }, { timeoutMs: 30_000 });
      expect(sent).toMatchObject({ status: 'sent', attempts: 2, remoteStationId: 'BACK AGAIN' });
    } finally {
      await daemon.stop();
      await sim.stop();
      await pty.close();
      await db.drop();
    }
  });
});

describe(`serve --demo on ${testDbKind()}: the demo fax line`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  beforeAll(async () => {
    db = await freshDatabase();
    daemon = await startDaemonProcess({ databaseUrl: db.url, args: ['--demo'] });
  });
  afterAll(async () => {
    await daemon?.stop();
    await db?.drop();
  });

  it('the inbox has the welcome fax, received on line demo-fax', async () => {
    const fax = await until('the demo fax received', async () => {
      const list = await daemon.api<{ items: FaxOut[] }>('GET', '/fax?direction=inbound&status=received');
      return list.body.items[0] ?? null;
    }, { timeoutMs: 30_000 });
    expect(fax).toMatchObject({ lineId: 'demo-fax', pages: 2, detected: 'line' });
    expect((await daemon.api('GET', `/fax/${fax.id}/pages/1`)).status).toBe(200);
  });
});
