import { describe, expect, it } from 'vitest';
import { missingDemoPackages, onPath, requireDemoTools } from './demo-tools.ts';

const only = (...present: string[]) => (p: string) => present.includes(p);

describe('demo line system packages', () => {
  it('finds tools in PATH folders and in /usr/bin', () => {
    expect(onPath('sox', '/opt/bin:/usr/local/bin', only('/usr/local/bin/sox'))).toBe(true);
    expect(onPath('socat', '', only('/usr/bin/socat'))).toBe(true);
    expect(onPath('sox', '/opt/bin', only())).toBe(false);
  });

  it('names every missing package in one apt-get command', () => {
    expect(missingDemoPackages('/usr/local/bin', only())).toEqual(['socat', 'espeak-ng', 'sox']);
    expect(() => requireDemoTools('/usr/local/bin', only('/usr/bin/espeak-ng'))).toThrow(/needs socat, sox .*apt-get install socat sox$/);
    expect(() => requireDemoTools('/usr/local/bin', only('/usr/bin/socat', '/usr/bin/espeak-ng', '/usr/local/bin/sox'))).not.toThrow();
  });

  it('finds the tools this machine has', () => {
    expect(missingDemoPackages(process.env.PATH)).toEqual([]);
  });
});
