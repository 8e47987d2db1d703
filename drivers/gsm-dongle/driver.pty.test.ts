/**
 * The dongle driver over a real pty pair against the simulated dongle and
 * network: every behaviour of the simulator, waited for by event with a deadline.
 */
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/core/errors.ts';
import { until as waitUntil } from '../../test/helpers/wait.ts';
import type { SmsDongleEvent } from '../../src/core/sms/port.ts';
import type { Logger } from '../v253-modem/logger.ts';
import { GsmDongle } from './driver.ts';
import type { GsmDongleOptions } from './options.ts';
import { DONGLE_DIALECTS, startSimulatedDongle, type DongleSimOptions } from './simulator.ts';

const rigs: Array<{ close(): Promise<void> }> = [];
afterEach(async () => { for (const r of rigs.splice(0)) await r.close(); });

function capture(): { logger: Logger; text: () => string } {
  const out: string[] = [];
  const mk = (b: Record<string, unknown>): Logger => ({
    child: (more) => mk({ ...b, ...more }),
    debug: (o, m) => out.push(JSON.stringify({ ...b, ...o, m })), info: (o, m) => out.push(JSON.stringify({ ...b, ...o, m })),
    warn: (o, m) => out.push(JSON.stringify({ ...b, ...o, m })), error: (o, m) => out.push(JSON.stringify({ ...b, ...o, m })),
  });
  return { logger: mk({}), text: () => out.join('\n') };
}

async function rig(sim: Omit<DongleSimOptions, 'pty'> = {}, drv: Partial<GsmDongleOptions> = {}) {
  const s = await startSimulatedDongle(sim);
  const log = capture();
  const dongle = new GsmDongle({ id: 'd1', path: s.driverPath, statusPollMs: 300, reopenMinMs: 100, reopenMaxMs: 400, logger: log.logger, ...drv });
  const events: SmsDongleEvent[] = [];
  dongle.on((e) => events.push(e));
  const waitFor = <T extends SmsDongleEvent>(what: string, pred: (e: SmsDongleEvent) => e is T, timeoutMs = 10_000): Promise<T> =>
    waitUntil(what, () => events.find(pred), { timeoutMs, intervalMs: 20, detail: () => `events: ${events.map((e) => e.type === 'state' ? e.status.state : e.type).join(', ')}` });
  const state = (st: string, since = 0) => waitFor(`state ${st}`, (e): e is Extract<SmsDongleEvent, { type: 'state' }> => e.type === 'state' && e.status.state === st && events.indexOf(e) >= since);
  const received = (n: number) => until(`${n} received`, () => events.filter((e) => e.type === 'received').length >= n).then(() => events.flatMap((e) => (e.type === 'received' ? [e.message] : [])));
  const until = (what: string, probe: () => boolean, timeoutMs = 10_000) =>
    waitUntil(what, probe, { timeoutMs, intervalMs: 20, detail: () => `last commands: ${s.simulator.commands.filter((c) => !['AT+CSQ', 'AT+CREG?', 'AT+CEREG?', 'AT+CPMS?'].includes(c)).slice(-40).join(' | ')}; stored ${s.simulator.stored}` });
  const r = { sim: s.simulator, pty: s.pty, driverPath: s.driverPath, dongle, events, log, state, received, until, async close() { await dongle.stop(); await s.close(); } };
  rigs.push(r);
  return r;
}

describe('GsmDongle against the simulated dongle (pty)', () => {
  it('sets the dongle up: SIM, PDU mode, SMS centre, signal, registration, identity', async () => {
    const r = await rig({ csq: 17 });
    await r.dongle.start();
    await r.state('ready');
    const s = r.dongle.status();
    expect(s).toMatchObject({ state: 'ready', sim: 'ready', registration: 'home', smsc: '+8613800100500', signal: { csq: 17, dbm: -79 }, problem: null });
    expect(s.identity).toContain('huawei');
    expect(r.sim.commands).toEqual(expect.arrayContaining(['AT+CMGF=0', 'AT+CNMI=2,1,0,1,0']));
  });

  it('sends a short 7-bit message with a delivery report, and a long Chinese one in parts', async () => {
    const r = await rig();
    await r.dongle.start();
    await r.state('ready');
    const a = await r.dongle.send('+8613800138000', 'Your parcel is at the gate', { statusReport: true });
    expect(a).toMatchObject({ parts: 1, encoding: 'gsm7' });
    const rep = await r.until('report', () => r.events.some((e) => e.type === 'status-report'));
    void rep;
    expect(r.events.find((e) => e.type === 'status-report')).toMatchObject({ report: { reference: a.references[0], outcome: 'delivered', recipient: '+8613800138000' } });
    const text = '您好，您的快递已到达小区门口，请尽快领取，谢谢。'.repeat(5);
    const b = await r.dongle.send('+8613800138000', text, { statusReport: false });
    expect(b.encoding).toBe('ucs2');
    expect(b.parts).toBeGreaterThan(1);
    const parts = r.sim.sent.slice(1);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(new Set(parts.map((p) => p.part?.ref)).size).toBe(1);
    expect(parts.every((p) => p.to === '+8613800138000' && !p.statusReport)).toBe(true);
  });

  it('reports a network refusal (+CMS ERROR) as MODEM_ERROR with the code', async () => {
    const r = await rig();
    await r.dongle.start();
    await r.state('ready');
    r.sim.scriptSends({ ok: false, cms: 500 });
    const err = await r.dongle.send('+8613800138000', 'hi', { statusReport: false }).catch((e: unknown) => e);
    expect(isKefuError(err, 'MODEM_ERROR')).toBe(true);
    expect((err as { details: { cms: string } }).details.cms).toBe('500');
    await expect(r.dongle.send('+8613800138000', 'again', { statusReport: false })).resolves.toMatchObject({ parts: 1 });
  });

  it('a delivery report that never comes: none is invented', async () => {
    const r = await rig({ reportDelayMs: null });
    await r.dongle.start();
    await r.state('ready');
    await r.dongle.send('+8613800138000', 'hi', { statusReport: true });
    r.sim.deliver({ from: '+8613912345678', text: 'marker' });
    await r.received(1);
    expect(r.events.some((e) => e.type === 'status-report')).toBe(false);
  });

  it('reads stored messages (+CMTI → +CMGR → +CMGD): single, out-of-order 8-bit parts, 16-bit UCS-2 parts', async () => {
    const r = await rig();
    await r.dongle.start();
    await r.state('ready');
    r.sim.deliver({ from: '+8613912345678', text: 'short one' });
    r.sim.deliver({ from: '+8613912345678', text: 'long '.repeat(70), order: [3, 1, 2], refBits: 8, ref: 7 });
    r.sim.deliver({ from: '+8613912345678', text: '中文长短信'.repeat(30), refBits: 16, ref: 0x1234 });
    const got = await r.received(3);
    expect(got.map((m) => [m.text, m.incomplete])).toEqual([['short one', false], ['long '.repeat(70), false], ['中文长短信'.repeat(30), false]]);
    expect(got[1]).toMatchObject({ parts: 3, encoding: 'gsm7', from: '+8613912345678' });
    expect(got[2]).toMatchObject({ encoding: 'ucs2' });
    await r.until('store emptied', () => r.sim.stored === 0);
  });

  it('delivers a long message whose part never comes after the part timeout, marked incomplete', async () => {
    const r = await rig({}, { concatTimeoutMs: 300 });
    await r.dongle.start();
    await r.state('ready');
    r.sim.deliver({ from: '+8613912345678', text: 'A'.repeat(150) + 'B'.repeat(150) + 'C'.repeat(100), drop: [2] });
    const [m] = await r.received(1);
    expect(m).toMatchObject({ parts: 3, received: 2, incomplete: true });
    expect(m!.text.startsWith('A'.repeat(150))).toBe(true);
    expect(m!.text).toContain('…');
  });

  it('direct routing: +CMT acknowledged with +CNMA, reports stored (+CDSI) and read', async () => {
    const r = await rig({}, { inbound: 'direct', reports: 'store' });
    await r.dongle.start();
    await r.state('ready');
    expect(r.sim.commands).toEqual(expect.arrayContaining(['AT+CSMS=1', 'AT+CNMI=2,2,0,2,0']));
    r.sim.deliver({ from: '+8613912345678', text: 'direct' });
    await r.received(1);
    await r.until('+CNMA', () => r.sim.cnmaCount >= 1);
    const s = await r.dongle.send('+8613800138000', 'report me', { statusReport: true });
    await r.until('report', () => r.events.some((e) => e.type === 'status-report'));
    expect(r.events.find((e) => e.type === 'status-report')).toMatchObject({ report: { reference: s.references[0], outcome: 'delivered' } });
    await r.until('report deleted', () => r.sim.stored === 0);
  });

  it.each([['stored (+CMTI)', {}], ['direct (+CMT)', { inbound: 'direct' as const }]])(
    'a message indication right behind the > prompt (%s): the prompt is still answered, the send goes, the message comes in', async (_how, drv) => {
      const r = await rig({}, drv);
      await r.dongle.start();
      await r.state('ready');
      r.sim.deliverWithNextPrompt({ from: '+8613912345678', text: 'behind the prompt' });
      // before, the prompt read with a line behind it was taken as reply text: the dongle waited for the PDU, the send for its 60 s timeout
      const sent = await Promise.race([
        r.dongle.send('+8613800138000', 'goes anyway', { statusReport: false }),
        r.until('the send answered', () => false, 10_000),
      ]);
      expect(sent).toMatchObject({ parts: 1 });
      expect(r.sim.sent.at(-1)).toMatchObject({ to: '+8613800138000', text: 'goes anyway' });
      const [m] = await r.received(1);
      expect(m).toMatchObject({ from: '+8613912345678', text: 'behind the prompt' });
    });

  it('SIM PIN from config unlocks the SIM and never appears in the log', async () => {
    const r = await rig({ sim: 'pin', pin: '4711' }, { pin: '4711' });
    await r.dongle.start();
    await r.state('ready');
    expect(r.log.text()).not.toContain('4711');
    expect(r.log.text()).toContain('AT+CPIN=<pin>');
  });

  it('a SIM that wants a PIN: without one, locked with the fix; a wrong one is sent once only', async () => {
    const a = await rig({ sim: 'pin', pin: '4711' });
    await a.dongle.start();
    await a.state('sim-locked');
    expect(a.dongle.status().problem).toMatch(/set sms\[\]\.pin/);
    const b = await rig({ sim: 'pin', pin: '4711' }, { pin: '0000' });
    await b.dongle.start();
    await b.state('sim-locked');
    expect(b.dongle.status().problem).toMatch(/rejected/);
    await b.until('polled again', () => b.sim.commands.filter((c) => c === 'AT+CPIN?').length >= 3);
    expect(b.sim.commands.filter((c) => c.startsWith('AT+CPIN=')).length).toBe(1);
    await expect(b.dongle.send('+8613800138000', 'x', { statusReport: false })).rejects.toMatchObject({ code: 'LINE_OFFLINE' });
  });

  it('no SIM: sim-error saying so', async () => {
    const r = await rig({ sim: 'absent' });
    await r.dongle.start();
    await r.state('sim-error');
    expect(r.dongle.status()).toMatchObject({ sim: 'absent', problem: 'no SIM card in the dongle' });
  });

  it('follows registration: searching until the network takes the SIM (+CREG unsolicited), and back', async () => {
    const r = await rig({ registration: 2 });
    await r.dongle.start();
    await r.state('searching');
    expect(r.dongle.status().registration).toBe('searching');
    r.sim.setRegistration(1);
    await r.state('ready');
    const n = r.events.length;
    r.sim.setRegistration(3);
    await r.state('searching', n);
    expect(r.dongle.status().registration).toBe('denied');
  });

  it('no SMS centre on the SIM is reported as a problem', async () => {
    const r = await rig({ smsc: '' });
    await r.dongle.start();
    await r.state('ready');
    expect(r.dongle.status()).toMatchObject({ smsc: null, problem: expect.stringMatching(/SMS centre/) });
  });

  it('storage full: stored messages are read and deleted, and the message the network held comes in', async () => {
    const r = await rig({ capacity: 5 });
    r.sim.fillStorage();
    await r.dongle.start();
    await r.state('ready');
    await r.received(5);
    await r.until('store emptied', () => r.sim.stored === 0);
    r.sim.fillStorage();
    r.sim.deliver({ from: '+8613912345678', text: 'held by the network' });
    expect(r.sim.waitingInNetwork).toBe(1);
    const got = await r.received(11);
    expect(got.map((m) => m.text)).toContain('held by the network');
    await r.until('network backlog delivered', () => r.sim.waitingInNetwork === 0 && r.sim.stored === 0);
  });

  it('+CMS ERROR: 322 (memory full) on a send: refused with the code, and the storage is read and emptied', async () => {
    // no status poll during the test: the refusal alone must start the sweep
    const r = await rig({ capacity: 3 }, { statusPollMs: 600_000 });
    await r.dongle.start();
    await r.state('ready');
    r.sim.fillStorage();
    r.sim.scriptSends({ ok: false, cms: 322 });
    const err = await r.dongle.send('+8613800138000', 'x', { statusReport: false }).catch((e: unknown) => e);
    expect((err as { details: { cms: string } }).details.cms).toBe('322');
    await r.until('store emptied', () => r.sim.stored === 0);
    expect((await r.received(3)).map((m) => m.text).sort()).toEqual(['old message 1', 'old message 2', 'old message 3']);
  });

  it('the dongle pulled and back: gone, reopened with backoff, ready again and sending', async () => {
    const r = await rig();
    await r.dongle.start();
    await r.state('ready');
    await r.sim.unplug();
    await r.state('gone');
    await expect(r.dongle.send('+8613800138000', 'x', { statusReport: false })).rejects.toMatchObject({ code: 'LINE_OFFLINE' });
    const n = r.events.length;
    await r.sim.replug();
    await r.state('ready', n);
    await expect(r.dongle.send('+8613800138000', 'back', { statusReport: false })).resolves.toMatchObject({ parts: 1 });
    expect(r.dongle.status().problem).toBeNull();
  });
});

describe('GsmDongle after a process that stopped mid-send', () => {
  it('cancels the half-entered message the dongle still waits for (ESC), gets ready and sends', async () => {
    const r = await rig();
    // The previous owner of the port got as far as AT+CMGS and its prompt, then died.
    const before = new SerialPort({ path: r.driverPath, baudRate: 115200 });
    await new Promise<void>((resolve, reject) => before.once('open', resolve).once('error', reject));
    let seen = '';
    before.on('data', (d: Buffer) => { seen += d.toString('latin1'); });
    before.write('AT+CMGS=20\r');
    await r.until('the dongle prompts for the PDU', () => seen.includes('> '));
    await new Promise<void>((resolve) => before.close(() => resolve()));
    await r.dongle.start();
    await r.state('ready');
    await expect(r.dongle.send('+8613800138000', 'after the crash', { statusReport: false })).resolves.toMatchObject({ parts: 1 });
    expect(r.sim.sent.map((m) => m.text)).toEqual(['after the crash']);
  });
});

describe('GsmDongle: a stored message is deleted only once the receiver stored it', () => {
  it('keeps it on the device while the receiver fails, reads it again at the next sweep, then deletes it', async () => {
    const r = await rig({}, { reopenMinMs: 50 });
    let fail = true;
    const stored: string[] = [];
    r.dongle.setReceiver(async (m) => { if (fail) throw new Error('database down'); stored.push(m.text); });
    await r.dongle.start();
    await r.state('ready');
    r.sim.deliver({ from: '+8613912345678', text: 'keep me' });
    await r.received(1);
    expect(r.sim.stored).toBe(1);
    fail = false;
    // the next sweep: the dongle comes back after a pull
    await r.sim.unplug();
    await r.state('gone');
    const n = r.events.length;
    await r.sim.replug();
    await r.state('ready', n);
    await r.until('stored by the receiver and deleted', () => stored.length === 1 && r.sim.stored === 0);
    expect(stored).toEqual(['keep me']);
  });
});

describe.each(DONGLE_DIALECTS)('GsmDongle against a simulated %s dongle', (dialect) => {
  it('gets ready, sends long Chinese, receives out-of-order parts, survives full storage and a registration change', async () => {
    const r = await rig({ dialect, capacity: 4 });
    await r.dongle.start();
    await r.state('ready');
    expect(r.dongle.status()).toMatchObject({ registration: 'home', sim: 'ready', smsc: '+8613800100500' });
    const text = '您好，您预约的维修师傅明天上午十点上门。'.repeat(4);
    const sent = await r.dongle.send('+8613800138000', text, { statusReport: true });
    expect(r.sim.sent.slice(-sent.parts).map((p) => p.text).join('')).toBe(text);
    await r.until('delivery report', () => r.events.some((e) => e.type === 'status-report'));
    r.sim.deliver({ from: '+8613912345678', text: 'part '.repeat(80), order: [2, 1, 3], refBits: 16 });
    const [m] = await r.received(1);
    expect(m).toMatchObject({ text: 'part '.repeat(80), incomplete: false });
    r.sim.fillStorage();
    r.sim.deliver({ from: '+8613912345678', text: 'after full' });
    await r.until('held message received', () => r.events.some((e) => e.type === 'received' && e.message.text === 'after full'), 15_000);
    await r.until('storage emptied', () => r.sim.stored === 0);
    const n = r.events.length;
    r.sim.setRegistration(3);
    await r.state('searching', n);
    expect(r.dongle.status().registration).toBe('denied');
  });
});
