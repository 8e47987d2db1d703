/**
 * /setup and /hardware (admin only): the set-up wizard and the hardware
 * page. Ports and probes, lines added at run time, signs of life per line,
 * re-probe, the live diagnostics, and the demo device's plug.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { KefuError } from '../../core/errors.ts';
import { normalizeNumber } from '../../core/numbers/normalize.ts';
import { Diagnostics, FirstFlowBody, LineHardware, LineParams, NewLineBody, Ports, Probe, ProbeBody, RegionBody, SetupStatus } from './schemas.ts';

export const hardwareRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['hardware'];
  const admin = { roles: ['admin' as const] };
  const hw = ctx.hardware;

  app.get('/setup/status', { config: admin, schema: { tags, response: { 200: SetupStatus } } }, async () => ({
    needed: hw.setupNeeded(),
    defaultRegion: ctx.numbers.defaultRegion,
    demo: ctx.demo ? { devicePath: ctx.demo.devicePath, lineId: ctx.demo.lineId, attached: ctx.demo.attached } : null,
  }));

  app.get('/hardware/ports', { config: admin, schema: { tags, description: 'Serial ports (the demo\'s simulated modem included) and USB devices.', response: { 200: Ports } } }, async () => hw.ports());

  app.post('/hardware/probe', {
    config: admin, schema: { tags, body: ProbeBody, description: 'Probe the modem on a free port: identity, voice, fax classes, the caller-ID command that works.', response: { 200: Probe } },
  }, async (req) => hw.probe(req.body.path, req.body.baudRate));

  app.post('/setup/lines', {
    config: admin, schema: { tags, body: NewLineBody, description: 'Add a modem line (stored in the database) and start it at once.', response: { 201: Type.Unknown() } },
  }, async (req, reply) => reply.status(201).send(await hw.addLine(req.body)));

  app.delete('/setup/lines/:id', {
    config: admin, schema: { tags, params: LineParams, description: 'Stop and remove a line the wizard added (config-file lines: 422).', response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await hw.removeLine(req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/hardware/lines', { config: admin, schema: { tags, response: { 200: Type.Object({ items: Type.Array(LineHardware) }) } } }, async () => ({ items: await hw.lines() }));

  app.post('/hardware/lines/:id/reprobe', {
    config: admin, schema: { tags, params: LineParams, description: 'The line\'s driver reopens and probes its device.', response: { 200: LineHardware } },
  }, async (req) => hw.reprobe(req.params.id));

  app.get('/hardware/diagnostics', { config: admin, schema: { tags, response: { 200: Diagnostics } } }, async () => hw.diagnostics());

  app.put('/setup/region', {
    config: admin, schema: { tags, body: RegionBody, description: 'The country numbers without a country code are read in (numbers.defaultRegion), stored.', response: { 200: RegionBody } },
  }, async (req) => {
    try { normalizeNumber('1', { defaultRegion: req.body.region }); } catch { throw new KefuError('BAD_REQUEST', `body.region: ${req.body.region} is not a known country`, { field: 'body.region' }); }
    return { region: await hw.setRegion(req.body.region) };
  });

  app.post('/setup/flow', {
    config: admin, schema: { tags, body: FirstFlowBody, description: 'Business hours and a greeting written into the flow, published.', response: { 200: Type.Object({ flowId: Type.String(), version: Type.Integer() }) } },
  }, async (req) => {
    const { hours, greeting } = req.body;
    if (hours.open >= hours.close) throw new KefuError('BAD_REQUEST', 'body.hours.close: must be after body.hours.open', { field: 'body.hours.close' });
    try { new Intl.DateTimeFormat('en', { timeZone: hours.timezone ?? 'Asia/Shanghai' }); } catch { throw new KefuError('BAD_REQUEST', `body.hours.timezone: unknown time zone ${hours.timezone}`, { field: 'body.hours.timezone' }); }
    return hw.publishFirstFlow(req.body.flowId ?? 'main', { hours: { ...hours, timezone: hours.timezone ?? 'Asia/Shanghai' }, greeting });
  });

  const demo = () => {
    if (!ctx.demo) throw new KefuError('NOT_FOUND', 'no demo device: start with kefu serve --demo or --demo-device');
    return ctx.demo;
  };
  app.post('/hardware/demo/unplug', { config: admin, schema: { tags, description: 'Demo only: the simulated modem vanishes (as a pulled USB cable).', response: { 202: Type.Object({ ok: Type.Boolean() }) } } },
    async (_req, reply) => { await demo().unplug(); return reply.status(202).send({ ok: true }); });
  app.post('/hardware/demo/replug', { config: admin, schema: { tags, description: 'Demo only: the simulated modem comes back.', response: { 202: Type.Object({ ok: Type.Boolean() }) } } },
    async (_req, reply) => { await demo().replug(); return reply.status(202).send({ ok: true }); });
};
