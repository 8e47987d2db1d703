/**
 * The events the daemon really emits fit the schemas it publishes: the daemon
 * as a process on the modem simulator, a call rings (with caller ID), is
 * answered by the shipped flow, the caller presses a key and hangs up; every
 * message on the stream (call.ringing, call.answered, call.dtmf, call.ended,
 * line.state, line.ring, line.callerid...) is checked against its payload
 * schema in GET /api/v1/asyncapi.json (AsyncAPI 3, public like openapi.json).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { testDbKind } from '../helpers/db.ts';
import { startModemOffice, type ModemOffice } from '../helpers/modem-office.ts';
import { waitForLineIdle } from '../helpers/wait.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe(`published event schemas against the daemon's events (${testDbKind()})`, () => {
  let office: ModemOffice;
  let doc: Obj;
  beforeAll(async () => {
    office = await startModemOffice();
    const res = await fetch(`${office.daemon.url}/api/v1/asyncapi.json`); // no key: public
    expect(res.status).toBe(200);
    doc = await res.json() as Obj;
  }, 60_000);
  afterEach((c) => office?.logIfFailed(c));
  afterAll(async () => { await office?.close(); });

  it('publishes an AsyncAPI 3 document: one message per event type on one channel, key as subprotocol', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.events.address).toBe('/api/v1/events');
    expect(doc.servers.kefu.protocol).toBe('ws');
    const types = Object.keys(doc.components.messages);
    for (const t of ['line.state', 'call.ringing', 'call.answered', 'call.dtmf', 'call.ended', 'screenpop', 'agent.state', 'queue.update',
      'recording.ready', 'recording.failed', 'sms.received', 'sms.status', 'fax.received', 'fax.status', 'campaign.update']) expect(types).toContain(t);
    expect(doc.operations.receiveEvents.messages).toHaveLength(types.length);
    expect(doc.components.securitySchemes.subprotocolKey.description).toContain('kefu.bearer.');
  });

  it('a call on the line: every event emitted fits its published schema', async () => {
    const { sim, daemon, events } = office;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    // A validator per message, from the published payload (its refs to the document's shared schemas resolved).
    const validators = new Map(Object.entries(doc.components.messages as Obj).map(([type, m]) => [type, ajv.compile({
      ...JSON.parse(JSON.stringify(m.payload).replaceAll('"#/components/schemas/', '"#/definitions/')),
      definitions: doc.components.schemas,
    })]));
    const since = Date.now();
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '刘洋', phones: [{ number: '13900139000' }] });
    expect(customer.status).toBe(201);
    void sim.simulator.ring({ number: '13900139000', rings: 3, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && Date.parse(e.at) >= since - 1000);
    expect((ringing.data.customer as { id: string } | null)?.id).toBe(customer.body.id);
    const callId = ringing.data.callId as string;
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 30_000);
    await sim.simulator.waitFor('vtx-start', { since, timeoutMs: 30_000 });
    await sim.simulator.pressDigits('5');
    await events.waitFor((e) => e.type === 'call.dtmf' && e.data.callId === callId, 30_000);
    await sim.simulator.hangUp();
    await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 30_000);
    await waitForLineIdle(daemon, 'office');

    const seen = events.events.filter((e) => Date.parse(e.at) >= since - 1000);
    const failures: string[] = [];
    for (const e of seen) {
      if (!doc.components.messages[e.type]) { failures.push(`${e.type}: no schema published`); continue; }
      const check = validators.get(e.type)!;
      const ok: boolean = check(e);
      if (!ok) failures.push(`${e.type}: ${ajv.errorsText(check.errors)} in ${JSON.stringify(e)}`);
    }
    expect(failures).toEqual([]);
    const types = new Set(seen.map((e) => e.type));
    for (const t of ['line.state', 'call.ringing', 'call.answered', 'call.dtmf', 'call.ended']) expect(types).toContain(t);
    // And a wrong payload is refused (the schemas are not vacuous).
    const check = validators.get('call.ringing')!;
    expect(check({ ...ringing, data: { ...ringing.data, blacklisted: 'no' } })).toBe(false);
    expect(check({ ...ringing, data: { ...ringing.data, callId: undefined } })).toBe(false);
  }, 120_000);
});
