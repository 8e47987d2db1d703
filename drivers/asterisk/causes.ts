/**
 * Asterisk hang-up causes (Q.850) in the port's words (`PbxGoneReason`):
 * what a call record says about a leg that went away.
 */
import type { PbxGoneReason } from '../../src/core/ports.ts';

export function goneReason(cause: number | undefined, answered: boolean): PbxGoneReason {
  switch (cause) {
    case 17: return 'busy';
    case 18: case 19: return 'no-answer';
    case 21: return 'rejected';
    case 1: case 3: case 27: case 28: case 34: case 38: case 41: case 42: return 'failed';
    default: return answered ? 'normal' : 'cancelled';
  }
}
