import { describe, expect, it } from 'vitest';
import { dialect } from './dialects.ts';
import { extractCommand, initialState, interpret } from './sim-commands.ts';

describe('simulated modem dialects', () => {
  it('Conexant forgets +VCID=1 after ATZ, USR keeps it', () => {
    for (const [name, kept] of [['conexant', false], ['usr', true]] as const) {
      const d = dialect(name);
      const s = initialState(d);
      expect(interpret(d, s, 'AT+VCID=1')).toMatchObject({ final: 'OK' });
      interpret(d, s, 'ATZ');
      expect(s.callerId).toBe(kept);
    }
  });

  it('Zoom refuses +VCID=1 and takes #CID=1', () => {
    const d = dialect('zoom');
    const s = initialState(d);
    expect(interpret(d, s, 'AT+VCID=1')).toMatchObject({ final: 'ERROR' });
    expect(interpret(d, s, 'AT#CID=1')).toMatchObject({ final: 'OK' });
    expect(s.callerId).toBe(true);
  });

  it('answers voice queries only in class 8 and goes off-hook with +VLS=1', () => {
    const d = dialect('conexant');
    const s = initialState(d);
    expect(interpret(d, s, 'AT+VSM=?')).toMatchObject({ final: 'ERROR' });
    interpret(d, s, 'AT+FCLASS=8');
    expect(interpret(d, s, 'AT+VSM=?')).toMatchObject({ lines: d.vsmList });
    expect(interpret(d, s, 'AT+VSM=128,8000')).toMatchObject({ final: 'OK' });
    expect(interpret(d, s, 'AT+VSM=129,8000')).toMatchObject({ final: 'ERROR' });
    expect(interpret(d, s, 'AT+VRX')).toMatchObject({ final: 'ERROR' });
    expect(interpret(d, s, 'AT+VLS=1')).toEqual({ kind: 'hook', offHook: true, lines: [], final: 'OK' });
  });

  it('finds the command after line noise, and dialects are independent copies', () => {
    expect(extractCommand('\x10\x03garbageATZ')).toBe('ATZ');
    expect(extractCommand('noise')).toBeNull();
    const a = dialect('usr');
    a.stopRepeat = 9;
    expect(dialect('usr').stopRepeat).toBe(1);
  });
});
