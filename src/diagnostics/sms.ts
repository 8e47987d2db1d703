/**
 * SMS dongle checks (kefu diagnose, GET /diagnostics): device found, SIM
 * ready, registered, signal, SMS centre number; each with the fix to try.
 * The daemon reports the state of the dongles it holds; `kefu diagnose` opens
 * each one itself for a few seconds.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import type { SmsDongleStatus } from '../core/sms/port.ts';
import { GsmDongle } from '../../drivers/gsm-dongle/driver.ts';
import type { Check } from './check.ts';

/** Longest wait for a dongle opened by `kefu diagnose` to settle. */
const PROBE_MS = 15_000;

async function probe(cfg: Config['sms'][number]): Promise<SmsDongleStatus> {
  const d = new GsmDongle({ id: cfg.id, path: cfg.port, baudRate: cfg.baudRate, pin: cfg.pin ?? null, reopenMinMs: PROBE_MS });
  await d.start();
  const t0 = Date.now();
  // Registration can take a few seconds after the SIM is unlocked.
  while (Date.now() - t0 < PROBE_MS && (d.status().state === 'initialising' || d.status().state === 'searching' && d.status().registration !== 'denied')) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const s = d.status();
  await d.stop();
  return s;
}

/** The checks of one dongle's status. */
export function dongleChecks(id: string, port: string, s: SmsDongleStatus): Check[] {
  const t = (what: string) => `sms ${id}: ${what}`;
  const found = s.state !== 'gone' && s.state !== 'closed';
  const checks: Check[] = [{
    id: `sms-${id}-device`, title: t(`dongle on ${port}`), ok: found,
    detail: found ? (s.identity ?? 'answers AT commands') : (s.problem ?? 'no answer'),
    fix: found ? null : 'plug the dongle in; check sms[].port is its AT port (a Huawei in storage mode needs usb_modeswitch; try each ttyUSB with `kefu diagnose`)',
  }];
  if (!found) return checks;
  const simOk = s.sim === 'ready';
  checks.push({
    id: `sms-${id}-sim`, title: t('SIM'), ok: simOk, detail: simOk ? 'ready' : (s.problem ?? s.sim),
    fix: simOk ? null : s.sim === 'pin-required' ? 'set sms[].pin to the SIM PIN (a wrong PIN is not retried)' : s.sim === 'puk-required' ? 'unblock the SIM with its PUK in a phone' : 'insert the SIM (contacts down), or try it in a phone',
  });
  if (!simOk) return checks;
  const reg = s.registration === 'home' || s.registration === 'roaming';
  checks.push({
    id: `sms-${id}-registration`, title: t('network registration'), ok: reg, detail: s.registration,
    fix: reg ? null : s.registration === 'denied' ? 'the network refused the SIM: check that it is active and has SMS service' : 'move the dongle where the signal is better, or check the SIM has service',
  });
  const sigOk = s.signal.csq !== null && s.signal.csq >= 5;
  checks.push({
    id: `sms-${id}-signal`, title: t('signal'), ok: sigOk,
    detail: s.signal.csq === null ? 'unknown (+CSQ 99)' : `+CSQ ${s.signal.csq} (${s.signal.dbm} dBm)`,
    fix: sigOk ? null : 'too weak to send reliably: use a USB extension cable or an external antenna, away from the computer',
  });
  checks.push({
    id: `sms-${id}-smsc`, title: t('SMS centre number'), ok: s.smsc !== null, detail: s.smsc ?? 'none on the SIM',
    fix: s.smsc ? null : "set it once with AT+CSCA=\"+86…\",145 (your operator's SMS centre, e.g. China Mobile +8613800xxx500) and AT+CSAS",
  });
  return checks;
}

export async function smsChecks(config: Readonly<Config>, held?: (id: string) => SmsDongleStatus | null): Promise<Check[]> {
  const out: Check[] = [];
  for (const cfg of config.sms) {
    const live = held?.(cfg.id) ?? null;
    if (!live && !existsSync(cfg.port)) {
      out.push({ id: `sms-${cfg.id}-device`, title: `sms ${cfg.id}: dongle on ${cfg.port}`, ok: false, detail: `${cfg.port} does not exist`, fix: 'plug the dongle in, or set sms[].port to its AT port (listed under serial ports)' });
      continue;
    }
    out.push(...dongleChecks(cfg.id, cfg.port, live ?? await probe(cfg)));
  }
  return out;
}
