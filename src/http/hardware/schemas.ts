/** Schemas of the set-up wizard and hardware routes. */
import { Type } from 'typebox';
import { Nullable } from '../common.ts';
import { WEEKDAYS } from '../../core/ivr/schema.ts';

const LineId = Type.String({ pattern: '^[a-z0-9-]+$', minLength: 1, maxLength: 64, description: 'lower-case letters, digits and dashes' });
export const LineParams = Type.Object({ id: LineId });

const DevicePath = Type.String({ minLength: 1, maxLength: 300, pattern: '^/', description: 'serial device path, e.g. /dev/ttyACM0' });
const Baud = Type.Integer({ minimum: 300, maximum: 921600, default: 115200 });

export const Probe = Type.Object({
  path: Type.String(), baudRate: Type.Integer(), responding: Type.Boolean(),
  info: Type.Unknown({ description: 'identity, capabilities (voice, fax classes) and the caller-ID command that worked' }),
  details: Type.Unknown({ description: 'fclasses, callerIdTried (each command and its result), identity strings' }),
  problems: Type.Array(Type.Object({ problem: Type.String(), fix: Type.String() })),
});

export const Port = Type.Object({
  path: Type.String(), manufacturer: Nullable(Type.String()), vendorId: Nullable(Type.String()), productId: Nullable(Type.String()),
  serialNumber: Nullable(Type.String()), simulated: Type.Boolean({ description: 'the demo\'s simulated modem' }),
  inUseBy: Nullable(Type.String({ description: 'id of the line that holds the port' })), lastProbe: Nullable(Probe),
});

export const Ports = Type.Object({
  ok: Type.Boolean(), error: Nullable(Type.String()), ports: Type.Array(Port),
  usb: Type.Object({ ok: Type.Boolean(), error: Nullable(Type.String()), devices: Type.Array(Type.Unknown()) }),
});

export const ProbeBody = Type.Object({ path: DevicePath, baudRate: Type.Optional(Baud) }, { additionalProperties: false });

export const NewLineBody = Type.Object({
  id: LineId,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  port: DevicePath,
  baudRate: Type.Optional(Baud),
  answerAfterRings: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'rings before the IVR answers' })),
  flow: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: 'IVR flow run on inbound calls (default main)' })),
}, { additionalProperties: false });

export const LineHardware = Type.Object({
  line: Type.Unknown({ description: 'the line as GET /lines/{id} shows it' }),
  stored: Type.Boolean({ description: 'added by the wizard (stored in the database); false: from the config file' }),
  port: Nullable(Type.String()),
  health: Type.Object({
    lineId: Type.String(), lastSeen: Nullable(Type.String()), lastCallerId: Type.Unknown(), lastCallerIdAt: Nullable(Type.String()),
    lastError: Nullable(Type.String()), lastErrorAt: Nullable(Type.String()),
  }),
});

export const Diagnostics = Type.Object({
  ok: Type.Boolean(), at: Type.String(),
  checks: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), ok: Type.Boolean(), detail: Type.String(), fix: Nullable(Type.String()), data: Type.Optional(Type.Unknown()) })),
});

export const SetupStatus = Type.Object({
  needed: Type.Boolean({ description: 'no line yet: the console offers the wizard to an admin' }),
  defaultRegion: Type.String(),
  demo: Nullable(Type.Object({ devicePath: Type.String(), lineId: Nullable(Type.String()), attached: Type.Boolean() })),
});

export const RegionBody = Type.Object({ region: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166 country, e.g. CN' }) }, { additionalProperties: false });

const HhMm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM' });
export const FirstFlowBody = Type.Object({
  flowId: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$', default: 'main' })),
  hours: Type.Object({
    days: Type.Array(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), { minItems: 1, maxItems: 7, uniqueItems: true }),
    open: HhMm, close: HhMm,
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Shanghai' })),
  }, { additionalProperties: false }),
  greeting: Type.Object({ text: Type.String({ minLength: 1, maxLength: 500 }), voice: Type.Union([Type.Literal('cmn'), Type.Literal('en-us')]) }, { additionalProperties: false }),
}, { additionalProperties: false });
