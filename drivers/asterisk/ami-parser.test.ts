import { describe, expect, it } from 'vitest';
import { AmiParser, formatAction } from './ami-parser.ts';

describe('AMI framing', () => {
  it('reads the banner, then messages split anywhere across chunks', () => {
    const wire = 'Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\n\r\n';
    for (let cut = 1; cut < wire.length; cut += 7) {
      const p = new AmiParser();
      const out = [...p.push(wire.slice(0, cut)), ...p.push(wire.slice(cut))];
      expect(out).toEqual([
        { Banner: 'Asterisk Call Manager/11.0.0' },
        { Response: 'Success', ActionID: '1', Message: 'Authentication accepted' },
        { Event: 'FullyBooted', Privilege: 'system,all' },
      ]);
    }
  });

  it('repeated keys are kept (joined by newlines); values keep their colons', () => {
    const p = new AmiParser();
    const [, m] = p.push('Banner\r\nResponse: Follows\r\nOutput: line one\r\nOutput: a: b\r\n\r\n');
    expect(m).toEqual({ Response: 'Follows', Output: 'line one\na: b' });
  });

  it('formats actions and refuses header injection', () => {
    expect(formatAction('Originate', { Channel: 'PJSIP/100@pbx', Variable: ['A=1', 'B=2'], Skip: undefined }, 'x1'))
      .toBe('Action: Originate\r\nActionID: x1\r\nChannel: PJSIP/100@pbx\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n');
    expect(() => formatAction('Login', { Secret: 'a\r\nAction: Command' }, 'x')).toThrow(/line breaks/);
  });

  it('never throws on random bytes (20,000 seeded frames)', () => {
    let seed = 42;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const parts = ['Response: Success\r\n', 'Event: Hangup\r\n', '\r\n', ': \r\n', 'Key:Value', '\n\n', '\r', 'ActionID: 9\r\n'];
    const p = new AmiParser();
    p.push('banner\r\n');
    for (let i = 0; i < 20_000; i++) {
      const chunk = rnd() < 0.5
        ? Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)))
        : parts[Math.floor(rnd() * parts.length)]!.slice(0, Math.floor(rnd() * 20));
      expect(() => p.push(chunk)).not.toThrow();
    }
  });
});
