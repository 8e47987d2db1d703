/**
 * What `kefu serve --demo` needs from the system: socat makes the simulated
 * modem's serial port pair, espeak-ng speaks the IVR prompts and sox turns
 * them into telephone audio. All are Debian packages of the same name.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KefuError } from '../core/errors.ts';

/** Executable and the Debian package that ships it. */
export const DEMO_TOOLS: ReadonlyArray<{ command: string; pkg: string }> = [
  { command: 'socat', pkg: 'socat' },
  { command: 'espeak-ng', pkg: 'espeak-ng' },
  { command: 'sox', pkg: 'sox' },
];

const executable = (path: string): boolean => {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
};

/** True when `command` is an executable in one of the PATH folders (or /usr/bin, where socat is looked for). */
export function onPath(command: string, path: string | undefined, isExecutable: (p: string) => boolean = executable): boolean {
  const dirs = [...(path ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  return dirs.some((d) => isExecutable(join(d, command)));
}

/** The Debian packages still missing for the demo line, in install order. */
export function missingDemoPackages(path: string | undefined, isExecutable?: (p: string) => boolean): string[] {
  return DEMO_TOOLS.filter((t) => !onPath(t.command, path, isExecutable)).map((t) => t.pkg);
}

/** Throws NOT_SUPPORTED naming every missing package and the one command that installs them all. */
export function requireDemoTools(path: string | undefined, isExecutable?: (p: string) => boolean): void {
  const missing = missingDemoPackages(path, isExecutable);
  if (missing.length === 0) return;
  throw new KefuError('NOT_SUPPORTED',
    `the demo line needs ${missing.join(', ')} (socat: the simulated modem's serial port; espeak-ng and sox: the spoken prompts). Install with: sudo apt-get install ${missing.join(' ')}`);
}
