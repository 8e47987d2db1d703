/**
 * Scripted callees on the lab's carrier (dialplans/lab/carrier-extensions.conf,
 * context from-pbx): numbers whose digits say what the far end does,
 * `139 B RR TT V NN` (11 digits):
 *   B   behaviour: 1 human, 2 machine, 3 busy, 4 no answer, 5 congestion, 6 keypress
 *   RR  seconds of ringing before the answer (or before busy / congestion)
 *   TT  seconds the callee stays after its greeting (keypress: the key, then
 *       the seconds it stays after pressing it, one digit each)
 *   V   greeting variant (0-5; see the conf file), NN free (0-99)
 * A human says "hello" (~0.8 s, variants differ) and then sends silence; a
 * machine plays a greeting of 5 s or more and a beep, then silence; a
 * keypress callee is a human who presses its key 2 s after the greeting.
 *
 * How kefu dials one: the number as written (`13910050001`, or
 * `+8613910050001`) normalises to E.164 `+8613910050001`; with the default
 * region CN, dialDigits() (src/core/numbers) gives back the 11 national
 * digits, and dialString() (src/services/pbx/click-to-dial.ts) makes
 * `PJSIP/13910050001@carrier` on the lab's trunk line, which the carrier
 * answers as scripted here. Other numbers (B 0, 7-9, anything else) reach the
 * carrier's plain customer who answers after 1 s.
 */
export type CalleeKind = 'human' | 'machine' | 'busy' | 'no-answer' | 'congestion' | 'keypress';

const B: Record<CalleeKind, number> = { human: 1, machine: 2, busy: 3, 'no-answer': 4, congestion: 5, keypress: 6 };

export interface CalleeOptions {
  /** Seconds of ringing (0-99). Default 1. */
  ringS?: number;
  /** Seconds on the line after the greeting (0-99; keypress: after the key, 0-9). Default 10 (keypress 5). */
  talkS?: number;
  /** Greeting variant 0-9 (6-9 are 0; 4 and 5 are hard for AMD). Default 0. */
  variant?: number;
  /** Free digits to tell numbers apart, 0-99. Default 0. */
  n?: number;
  /** The key a keypress callee presses (0-9). Default 1. */
  digit?: string;
}

const two = (v: number, what: string): string => {
  if (!Number.isInteger(v) || v < 0 || v > 99) throw new Error(`callee ${what} must be a whole number 0-99, got ${v}`);
  return String(v).padStart(2, '0');
};

/** A scripted callee's number in national form (what kefu dials in region CN). */
export function callee(kind: CalleeKind, o: CalleeOptions = {}): string {
  const variant = o.variant ?? 0;
  if (!Number.isInteger(variant) || variant < 0 || variant > 9) throw new Error(`callee variant must be 0-9, got ${variant}`);
  let talk: string;
  if (kind === 'keypress') {
    const digit = o.digit ?? '1';
    const hold = o.talkS ?? 5;
    if (!/^\d$/.test(digit)) throw new Error(`a keypress callee presses one digit 0-9, got ${digit}`);
    if (!Number.isInteger(hold) || hold < 0 || hold > 9) throw new Error(`a keypress callee stays 0-9 s after its key, got ${hold}`);
    talk = `${digit}${hold}`;
  } else {
    talk = two(o.talkS ?? 10, 'talkS');
  }
  return `139${B[kind]}${two(o.ringS ?? 1, 'ringS')}${talk}${variant}${two(o.n ?? 0, 'n')}`;
}
