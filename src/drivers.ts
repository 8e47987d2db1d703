/** Picks the driver for a configured line. One backend per folder under drivers/. */
import type { Logger } from 'pino';
import type { Config, LineConfig } from './config/schema.ts';
import type { LineDriver, Pbx } from './core/ports.ts';
import { KefuError } from './core/errors.ts';
import { V253LineDriver } from '../drivers/v253-modem/driver.ts';
import { probeModem } from '../drivers/v253-modem/probe.ts';
import { AsteriskPbx } from '../drivers/asterisk/pbx.ts';
/** The demo line's far side (`kefu serve --demo`): services reach it through this composition point, never drivers/ directly. */
export { startSimulatedModem } from '../drivers/v253-modem/simulator.ts';
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
export function createPbx(asterisk: NonNullable<Config['asterisk']>, logger: Logger): Pbx {
  return new AsteriskPbx(
    { url: asterisk.ari.url, username: asterisk.ari.username, password: asterisk.ari.password, app: asterisk.ari.app },
    asterisk.ami.username ? { host: asterisk.ami.host, port: asterisk.ami.port, username: asterisk.ami.username, secret: asterisk.ami.secret } : null,
    logger.child({ component: 'asterisk' }),
  );
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

