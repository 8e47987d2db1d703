/**
 * Class 2.0 fax over a real pty pair (socat): the DTE (fax2-modem.ts) sends
 * and receives multi-page TIFFs through the class 2.0 simulator; pages are
 * compared pixel by pixel with what was sent. Also: busy, no answer, a page
 * the far end rejects, and a class-1-only modem refusing AT+FCLASS=2.0.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKefuError } from '../../src/core/errors.ts';
import { readFaxPages, writeFaxTiff } from '../../src/core/fax/tiff.ts';
import { compareDocuments, makeTestPdf, pdfToTiff } from '../../test/helpers/fax-pages.ts';
import { createPtyPair, type PtyPair } from './pty.ts';
import { Class2FaxModem } from './fax2-modem.ts';
import { Fax2Simulator } from './fax2-sim.ts';

describe('class 2.0 fax over a pty', () => {
  let pty: PtyPair;
  let sim: Fax2Simulator;
  let modem: Class2FaxModem;
  let dir: string;
  let tiff: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-fax2-'));
    makeTestPdf(join(dir, 'doc.pdf'), 3, 'class 2.0');
    tiff = join(dir, 'doc.tif');
    pdfToTiff(join(dir, 'doc.pdf'), tiff);
    pty = await createPtyPair();
    sim = new Fax2Simulator({ path: pty.simulatorPath });
    await sim.start();
    modem = new Class2FaxModem({ path: pty.driverPath, stationId: '+86 10 8888 0000', commandTimeoutMs: 3000, sessionTimeoutMs: 10_000 });
  });
  afterEach(async () => {
    await modem.close();
    await sim.stop();
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a 3-page TIFF: the far end gets every page as sent, with our station id', async () => {
    sim.remote('13680000001', { kind: 'fax', stationId: 'REMOTE 1' });
    await modem.open();
    const out = await modem.send('13680000001', readFileSync(tiff));
    expect(out).toMatchObject({ ok: true, pages: 3, resultCode: 'OK', remoteStationId: 'REMOTE 1' });
    expect(sim.localId).toBe('+86 10 8888 0000');
    expect(sim.received).toHaveLength(1);
    expect(sim.received[0]).toMatchObject({ number: '13680000001', complete: true });
    // what the far end got, as a TIFF in the wire's bit order (FillOrder 2)
    const sent = readFaxPages(readFileSync(tiff));
    const got = join(dir, 'got.tif');
    writeFileSync(got, writeFaxTiff(sim.received[0]!.pages.map((data, i) => ({ ...sent[i]!, fillOrder: 2, data }))));
    const cmp = compareDocuments(tiff, got);
    expect(cmp.receivedPages).toBe(3);
    for (const p of cmp.pages) expect(p.equalPixels).toBe(1);
    expect(sim.commands).toEqual(expect.arrayContaining(['AT+FCLASS=2.0', 'AT+FBO=0', 'AT+FDT', 'AT+FET=0', 'AT+FET=2']));
  });

  it('receives a 2-page fax when a fax machine rings: TIFF pages as the far end sent them', async () => {
    const pages = readFaxPages(readFileSync(tiff)).slice(0, 2).map((p) => ({ ...p }));
    await modem.open();
    // the far end sends in the wire's bit order
    const wire = pages.map((p) => ({ ...p, fillOrder: 2, data: Buffer.from(p.data.map((b) => Number.parseInt(b.toString(2).padStart(8, '0').split('').reverse().join(''), 2))) }));
    sim.ring(wire, '+86 21 5555 1234', 200);
    await modem.waitRing(5000);
    const r = await modem.receive();
    expect(r.outcome).toMatchObject({ ok: true, pages: 2, remoteStationId: '+86 21 5555 1234', resultCode: 'OK' });
    const got = join(dir, 'in.tif');
    writeFileSync(got, r.tiff!);
    const cmp = compareDocuments(tiff, got);
    expect(cmp.receivedPages).toBe(2);
    for (const p of cmp.pages) expect(p.equalPixels).toBe(1);
    expect(sim.commands).toEqual(expect.arrayContaining(['ATA', 'AT+FDR']));
  });

  it('busy, no answer and a rejected page are failures with their codes', async () => {
    sim.remote('13681000001', { kind: 'busy' });
    sim.remote('13680000002', { kind: 'fax', stationId: 'PICKY', rejectPage: 1 });
    await modem.open();
    expect(await modem.send('13681000001', readFileSync(tiff))).toMatchObject({ ok: false, pages: 0, resultCode: 'BUSY' });
    expect(await modem.send('13682000001', readFileSync(tiff))).toMatchObject({ ok: false, pages: 0, resultCode: 'NO_ANSWER', resultText: 'no answer (T.30 T1 time-out)' });
    expect(await modem.send('13680000002', readFileSync(tiff))).toMatchObject({ ok: false, pages: 0, resultCode: 'PAGE_REJECTED' });
  });

  it('a class-1-only modem refuses class 2.0: open fails naming the command', async () => {
    await sim.stop();
    sim = new Fax2Simulator({ path: pty.simulatorPath, classes: ['0', '1', '8'] });
    await sim.start();
    const err = await modem.open().then(() => null, (e: unknown) => e);
    expect(isKefuError(err, 'MODEM_ERROR')).toBe(true);
    expect((err as Error).message).toBe('AT+FCLASS=2.0: ERROR');
  });
});
