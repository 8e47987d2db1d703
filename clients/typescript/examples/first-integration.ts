/**
 * A first integration, as in docs/integrators.md: create a customer, find
 * them by another written form of their number, subscribe to events, react to
 * call.ringing on the demo line (`kefu serve --demo`), then fetch the call
 * record and its recording.
 *
 *   KEFU_URL=http://127.0.0.1:8080 KEFU_KEY=... node --import tsx examples/first-integration.ts
 *
 * Prints one JSON line per step; the last one is the summary.
 */
import WebSocket from 'ws';
import { createKefuClient, type KefuEvent } from '../src/index.ts';

const baseUrl = process.env.KEFU_URL ?? 'http://127.0.0.1:8080';
const apiKey = process.env.KEFU_KEY ?? '';
const kefu = createKefuClient({ baseUrl, apiKey, WebSocket: WebSocket as never });
const say = (step: string, detail: Record<string, unknown> = {}) => console.log(JSON.stringify({ step, ...detail }));
const within = <T,>(p: Promise<T>, ms: number, what: string): Promise<T> => Promise.race([
  p,
  new Promise<never>((_, reject) => { setTimeout(() => reject(new Error(`${what}: nothing in ${ms} ms`)), ms).unref(); }),
]);

// 1. A customer, with their mobile written one way...
const created = await kefu.api.POST('/api/v1/customers', { body: { name: '陈静', company: '东方贸易', phones: [{ number: '+86 139 1234 5678', label: 'mobile' }] } });
if (created.error) throw new Error(`create: ${created.error.error.code} ${created.error.error.message}`);
say('customer created', { id: created.data.id, phones: created.data.phones });

// 2. ...found by another.
const found = await kefu.api.GET('/api/v1/customers', { params: { query: { phone: '139-1234-5678' } } });
if (found.error) throw new Error(`lookup: ${found.error.error.message}`);
say('customer found', { ids: found.data.items.map((c) => c.id) });

// 3. The event stream: typed by event type.
const stream = await kefu.events(['call.ringing', 'call.ended', 'recording.ready']);
const ringing = new Promise<{ event: KefuEvent<'call.ringing'>; handlerLatencyMs: number }>((resolve) => {
  stream.on('call.ringing', (event) => {
    // The integrator's handler: how long after the daemon emitted it.
    const handlerLatencyMs = Date.now() - Date.parse(event.at);
    if (event.data.lineId === 'demo') resolve({ event, handlerLatencyMs });
  });
});
const ended = new Promise<KefuEvent<'call.ended'>>((resolve) => stream.on('call.ended', (e) => resolve(e)));
const recorded = new Promise<KefuEvent<'recording.ready'>>((resolve) => stream.on('recording.ready', (e) => resolve(e)));

// 4. The demo line rings: that customer calls, presses 1, hangs up.
const sim = await kefu.api.POST('/api/v1/lines/{id}/simulate/call', { params: { path: { id: 'demo' } }, body: { number: '13912345678', digits: '1', hangupAfterMs: 1500 } });
if (sim.error) throw new Error(`simulate: ${sim.error.error.message}`);
const { event, handlerLatencyMs } = await within(ringing, 30_000, 'call.ringing');
say('call.ringing', { callId: event.data.callId, number: event.data.number, customer: event.data.customer?.name ?? null, handlerLatencyMs });

// 5. The call record and its recording.
const end = await within(ended, 90_000, 'call.ended');
const rec = await within(recorded, 30_000, 'recording.ready');
const call = await kefu.api.GET('/api/v1/calls/{id}', { params: { path: { id: event.data.callId } } });
if (call.error) throw new Error(`call: ${call.error.error.message}`);
const audio = await kefu.api.GET('/api/v1/calls/{id}/recording', { params: { path: { id: event.data.callId } }, parseAs: 'arrayBuffer' });
if (audio.error) throw new Error(`recording: ${audio.error.error.message}`);
say('call fetched', { disposition: end.data.disposition, customerId: call.data.customerId, legs: call.data.legs.length, recordingId: rec.data.recordingId, recordingBytes: audio.data.byteLength });
stream.close();
say('done', { handlerLatencyMs, customerMatched: event.data.customer?.id === created.data.id });
