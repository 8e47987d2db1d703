import { describe, expect, it } from 'vitest';
import { amdArguments, amdVerdict, splitAmdArgs } from './amd.ts';

describe('answering-machine detection on Asterisk', () => {
  it('settings become AMD() arguments in its order; left-out ones stay empty (amd.conf), trailing ones are dropped', () => {
    expect(amdArguments(true)).toBe('');
    expect(amdArguments({})).toBe('');
    expect(amdArguments({ greetingMs: 2000, maxWords: 4 })).toBe(',2000,,,,,4');
    expect(amdArguments({ initialSilenceMs: 3000.4, maxWordMs: 4000 })).toBe('3000,,,,,,,,4000');
  });

  it('AMDSTATUS and AMDCAUSE in the port words', () => {
    expect(amdVerdict('HUMAN', 'HUMAN-803-800')).toEqual({ status: 'human', cause: 'silence-after-greeting' });
    expect(amdVerdict('MACHINE', 'LONGGREETING-1500-1500')).toEqual({ status: 'machine', cause: 'long-greeting' });
    expect(amdVerdict('MACHINE', 'INITIALSILENCE-2500-2500')).toEqual({ status: 'machine', cause: 'initial-silence' });
    expect(amdVerdict('MACHINE', 'MAXWORDS-3-2')).toEqual({ status: 'machine', cause: 'too-many-words' });
    expect(amdVerdict('MACHINE', 'MAXWORDLENGTH-5000')).toEqual({ status: 'machine', cause: 'long-word' });
    expect(amdVerdict('NOTSURE', 'TOOLONG-5000')).toEqual({ status: 'notsure', cause: 'too-long' });
    expect(amdVerdict('NOTSURE', 'NOAUDIODATA-0')).toEqual({ status: 'notsure', cause: 'no-audio' });
    expect(amdVerdict('HANGUP', '')).toEqual({ status: 'hangup', cause: 'hangup' });
    // AMD that could not start sets both empty
    expect(amdVerdict('', '')).toEqual({ status: 'notsure', cause: 'detector-failed' });
  });

  it('the second Stasis entry: own arguments before the marker, the verdict after it', () => {
    expect(splitAmdArgs(['dialer', 'call-1', 'amd', 'MACHINE', 'MAXWORDS-3-2'])).toEqual({ args: ['dialer', 'call-1'], amd: { status: 'machine', cause: 'too-many-words' } });
    // an argument of the leg's own that reads "amd" is not the marker
    expect(splitAmdArgs(['dialer', 'amd', 'x', 'amd', 'HANGUP', ''])).toEqual({ args: ['dialer', 'amd', 'x'], amd: { status: 'hangup', cause: 'hangup' } });
    expect(splitAmdArgs(['dialer', 'call-1'])).toBeNull();
  });
});
