/**
 * The simulated modem's AT command interpreter: one command line in, the
 * response out. It changes only the state object it is given.
 */
import type { Encoding } from './codec.ts';
import type { Dialect } from './dialects.ts';

/** Settings a real modem keeps between commands. */
export interface SimModemState {
  echo: boolean;
  fclass: string;
  encoding: Encoding;
  callerId: boolean;
  /** Off-hook (voice +VLS=1, data ATH1, or dialling). */
  offHook: boolean;
}

export const initialState = (d: Dialect): SimModemState => ({
  echo: true,
  fclass: '0',
  encoding: Object.values(d.vsmMethods)[0] ?? 'u8',
  callerId: false,
  offHook: false,
});

export type CommandAction =
  | { kind: 'reply'; lines: string[]; final: string }
  /** Stay silent (a scripted stall). */
  | { kind: 'silent' }
  | { kind: 'vrx' }
  | { kind: 'vtx' }
  | { kind: 'dial'; number: string }
  | { kind: 'hook'; offHook: boolean; lines: string[]; final: string };

const ok = (lines: string[] = []): CommandAction => ({ kind: 'reply', lines, final: 'OK' });
const error = (): CommandAction => ({ kind: 'reply', lines: [], final: 'ERROR' });

/** Extracts the command after the last 'AT' of a received line (real modems skip noise before it). */
export function extractCommand(line: string): string | null {
  const i = line.toUpperCase().lastIndexOf('AT');
  if (i < 0) return null;
  return line.slice(i);
}

export function interpret(d: Dialect, s: SimModemState, command: string): CommandAction {
  const cmd = command.toUpperCase().replace(/\s+/g, '');
  const body = cmd.slice(2);
  const voice = s.fclass === '8';
  switch (body) {
    case '':
      return ok();
    case 'Z':
    case '&F':
    case 'Z0': {
      const keepCid = s.callerId && !d.forgetsCallerIdOnReset;
      Object.assign(s, initialState(d), { callerId: keepCid });
      return ok();
    }
    case 'E0':
    case 'E1':
      s.echo = body === 'E1';
      return ok();
    case 'I':
    case 'I0':
      return ok(d.identity.ATI);
    case 'I3':
      return ok(d.identity.ATI3);
    case '+GMI':
    case '+GMM':
    case '+GMR':
      return ok(d.identity[body]);
    case '+FCLASS=?':
      return ok([d.fclass]);
    case '+FCLASS?':
      return ok([s.fclass]);
    case '+VSM=?':
      return voice ? ok(d.vsmList) : error();
    case '+VLS=?':
      return voice ? ok(d.vlsList) : error();
    case '+VRX':
      return voice && s.offHook ? { kind: 'vrx' } : error();
    case '+VTX':
      return voice && s.offHook ? { kind: 'vtx' } : error();
    case 'H':
    case 'H0':
      return { kind: 'hook', offHook: false, lines: [], final: 'OK' };
    case 'H1':
      return { kind: 'hook', offHook: true, lines: [], final: 'OK' };
    case 'A':
      return { kind: 'reply', lines: [], final: 'NO CARRIER' };
  }
  const fclass = /^\+FCLASS=([\d.]+)$/.exec(body);
  if (fclass) {
    if (!d.fclass.split(',').includes(fclass[1] as string)) return error();
    s.fclass = fclass[1] as string;
    return ok();
  }
  const vsm = /^\+VSM=(\d+)(?:,(\d+))?/.exec(body);
  if (vsm) {
    const enc = d.vsmMethods[Number(vsm[1])];
    if (!voice || !enc || (vsm[2] !== undefined && vsm[2] !== '8000')) return error();
    s.encoding = enc;
    return ok();
  }
  const vls = /^\+VLS=(\d+)$/.exec(body);
  if (vls) {
    if (!voice) return error();
    return { kind: 'hook', offHook: vls[1] !== '0', lines: [], final: 'OK' };
  }
  const cid = /^(\+VCID|#CID|%CCID)=(\d)$/.exec(body);
  if (cid) {
    if (!d.callerIdCommands.includes(`AT${cid[1]}=1`)) return error();
    s.callerId = cid[2] !== '0';
    return ok();
  }
  const dial = /^D[TP]?([0-9*#,A-DW!@+]+);$/.exec(body);
  if (dial) return voice ? { kind: 'dial', number: dial[1] as string } : { kind: 'reply', lines: [], final: 'NO CARRIER' };
  // Voice settings the simulator accepts without modelling them (gain, silence detection, timers).
  if (/^\+V(GT|GR|SD|IT|RA|RN|TD|SP|DR)=/.test(body)) return voice ? ok() : error();
  return error();
}
