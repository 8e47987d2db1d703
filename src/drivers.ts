/** Picks the driver for a configured line. One backend per folder under drivers/. */
import type { Logger } from 'pino';
import type { LineConfig } from './config/schema.ts';
import type { LineDriver } from './core/ports.ts';
import { KefuError } from './core/errors.ts';
import { V253LineDriver } from '../drivers/v253-modem/driver.ts';

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
