/** Picks the driver for a configured line. One backend per folder under drivers/. */
import type { Logger } from 'pino';
import type { Config, LineConfig, SmsConfig } from './config/schema.ts';
import type { SmsDongle } from './core/sms/port.ts';
import { GsmDongle } from '../drivers/gsm-dongle/driver.ts';
import type { FaxTransport, LineDriver } from './core/ports.ts';
import { KefuError } from './core/errors.ts';
import { V253LineDriver } from '../drivers/v253-modem/driver.ts';
import { probeModem } from '../drivers/v253-modem/probe.ts';
import { AsteriskPbx } from '../drivers/asterisk/pbx.ts';
import { AsteriskFax } from '../drivers/asterisk/fax.ts';
import { ModemFaxTransport } from '../drivers/v253-modem/fax-transport.ts';
/** The demo line's far side (`kefu serve --demo`): services reach it through this composition point, never drivers/ directly. */
export { startSimulatedModem } from '../drivers/v253-modem/simulator.ts';
/** The demo's simulated GSM dongle (`kefu serve --demo`). */
export { startSimulatedDongle } from '../drivers/gsm-dongle/simulator.ts';
/** The demo's fax line far side: a class 2.0 fax modem simulator. */
export { startSimulatedFaxModem } from '../drivers/v253-modem/fax2-sim.ts';
import { listSerialPorts } from './diagnostics/serial-ports.ts';
import { listUsbDevices } from './diagnostics/usb-devices.ts';
import type { HardwareBackends, SerialPortInfo } from './services/hardware/hardware.ts';

export function createLineDriver(line: LineConfig, logger: Logger): LineDriver {
  switch (line.driver) {
    case 'v253-modem':
      return new V253LineDriver({ id: line.id, path: line.port!, baudRate: line.baudRate, logger, ...(line.inbound ? { ringTimeoutMs: line.inbound.ringGapMs } : {}) });
    case 'hid-phone-box':
      throw new KefuError('CONFIG_INVALID', `lines.${line.id}: driver ${line.driver} is not available in this version yet (supported: v253-modem, asterisk)`);
    case 'asterisk':
      throw new KefuError('INTERNAL', `lines.${line.id}: asterisk lines are run by the PBX service, not a line driver`);
  }
}

/** The PBX behind the asterisk lines: ARI, and AMI when a user is configured (whole-call recording). */
export function createPbx(asterisk: NonNullable<Config['asterisk']>, logger: Logger): AsteriskPbx {
  return new AsteriskPbx(
    { url: asterisk.ari.url, username: asterisk.ari.username, password: asterisk.ari.password, app: asterisk.ari.app },
    asterisk.ami.username ? { host: asterisk.ami.host, port: asterisk.ami.port, username: asterisk.ami.username, secret: asterisk.ami.secret } : null,
    logger.child({ component: 'asterisk' }),
  );
}

/** Fax on the asterisk lines (res_fax): needs AMI (originate, the dialplan's fax events); null without an AMI user. */
export function createPbxFax(asterisk: NonNullable<Config['asterisk']>, logger: Logger): FaxTransport | null {
  if (!asterisk.ami.username) return null;
  return new AsteriskFax(
    { url: asterisk.ari.url, username: asterisk.ari.username, password: asterisk.ari.password, app: asterisk.ari.app },
    { host: asterisk.ami.host, port: asterisk.ami.port, username: asterisk.ami.username, secret: asterisk.ami.secret },
    logger.child({ component: 'fax' }),
  );
}

/** A class 2.0 fax modem (config fax.modems) as a fax line. */
export function createFaxModem(m: { id: string; port: string; baudRate: number }, logger: Logger, maxPages: number): FaxTransport {
  return new ModemFaxTransport({ id: m.id, path: m.port, baudRate: m.baudRate, maxPages, logger: logger.child({ component: 'fax', lineId: m.id }) });
}

/** How the hardware service reaches serial ports, USB and modems (the set-up wizard, the hardware page). */
export function hardwareBackends(logger: Logger, extraPorts: () => SerialPortInfo[]): HardwareBackends {
  return {
    listPorts: async () => {
      const r = await listSerialPorts();
      return { ok: r.ok, ports: r.ports.map((p) => ({ ...p, simulated: false })), ...(r.error ? { error: r.error } : {}) };
    },
    listUsb: listUsbDevices,
    probe: async (path, baudRate) => {
      const r = await probeModem(path, baudRate);
      return { ...r, details: r.details ? { fclasses: r.details.fclasses, callerIdTried: r.details.callerIdTried, identity: r.details.identity } : null };
    },
    createDriver: (line) => createLineDriver(line, logger),
    extraPorts,
  };
}

/** The SMS backend of a configured dongle (27.005 over its AT port). */
export function createSmsDongle(cfg: SmsConfig, logger: Logger): SmsDongle {
  return new GsmDongle({
    id: cfg.id, path: cfg.port, baudRate: cfg.baudRate, pin: cfg.pin ?? null, logger: logger.child({ component: 'sms' }),
    inbound: cfg.inbound, reports: cfg.reports, concatTimeoutMs: cfg.partTimeoutS * 1000,
  });
}
