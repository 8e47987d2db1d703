/**
 * Answering-machine detection on Asterisk, in the port's words. A leg
 * originated with `detectMachine` enters Stasis once with the single argument
 * `AMD_ENTRY`; the driver then sends it to the dialplan context `AMD_CONTEXT`
 * (dialplans/pbx/extensions.conf), which runs AMD() with the settings in the
 * channel variable `KEFU_AMD` and re-enters Stasis with the leg's own role
 * and arguments (channel variable `KEFU_LEG`), then `amd`, AMDSTATUS and
 * AMDCAUSE.
 */
import type { PbxMachineDetection, PbxMachineVerdict } from '../../src/core/ports.ts';

/** The Stasis argument of an answered leg that is still to be listened to. */
export const AMD_ENTRY = 'amd';
export const AMD_CONTEXT = 'kefu-amd';

/** AMD()'s positional arguments, in its order; an empty one keeps amd.conf's value. */
const ORDER: ReadonlyArray<keyof PbxMachineDetection> = [
  'initialSilenceMs', 'greetingMs', 'afterGreetingSilenceMs', 'totalMs', 'minWordMs',
  'betweenWordsSilenceMs', 'maxWords', 'silenceThreshold', 'maxWordMs',
];

/** The value of KEFU_AMD: AMD()'s arguments (`true` gives none: amd.conf throughout). */
export function amdArguments(d: true | PbxMachineDetection): string {
  if (d === true) return '';
  const values = ORDER.map((k) => {
    const v = d[k];
    return v === undefined ? '' : String(Math.max(0, Math.round(v)));
  });
  return values.join(',').replace(/,+$/, '');
}

/** The channel variables an AMD leg is originated with. `leg` is its role and args. */
export function amdVariables(leg: string[], d: true | PbxMachineDetection): Record<string, string> {
  return { KEFU_LEG: leg.join(','), KEFU_AMD: amdArguments(d) };
}

const CAUSES: ReadonlyArray<[prefix: string, cause: PbxMachineVerdict['cause']]> = [
  ['HUMAN', 'silence-after-greeting'], ['INITIALSILENCE', 'initial-silence'], ['LONGGREETING', 'long-greeting'],
  ['MAXWORDS', 'too-many-words'], ['MAXWORDLENGTH', 'long-word'], ['TOOLONG', 'too-long'], ['NOAUDIODATA', 'no-audio'],
];

/**
 * AMDSTATUS and AMDCAUSE (e.g. `MACHINE`, `LONGGREETING-1500-1500`) as a
 * verdict. An empty status is AMD failing to start (it sets both empty).
 */
export function amdVerdict(status: string, cause: string): PbxMachineVerdict {
  const s = status.toUpperCase();
  if (s === 'HANGUP') return { status: 'hangup', cause: 'hangup' };
  const kind = cause.toUpperCase().split('-')[0]!;
  const found = CAUSES.find(([p]) => p === kind)?.[1];
  if (s === 'HUMAN') return { status: 'human', cause: found ?? 'silence-after-greeting' };
  if (s === 'MACHINE') return { status: 'machine', cause: found ?? 'long-greeting' };
  if (s === 'NOTSURE') return { status: 'notsure', cause: found ?? 'too-long' };
  return { status: 'notsure', cause: 'detector-failed' };
}

/**
 * Splits the Stasis arguments of an AMD leg's second entry into its own
 * arguments and the verdict; null when they carry none.
 */
export function splitAmdArgs(args: string[]): { args: string[]; amd: PbxMachineVerdict } | null {
  const i = args.lastIndexOf(AMD_ENTRY);
  if (i < 0 || i < args.length - 3) return null;
  return { args: args.slice(0, i), amd: amdVerdict(args[i + 1] ?? '', args[i + 2] ?? '') };
}
