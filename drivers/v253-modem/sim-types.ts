/** Types the simulator's engine and its voice streams share. */
import type { FarEndKind, FarEndOptions } from '../../src/core/call-progress/far-end-audio.ts';

export type SimEventName =
  | 'ring' | 'callerid' | 'caller-gave-up' | 'offhook' | 'onhook' | 'vrx-start' | 'vrx-stop' | 'vtx-start' | 'vtx-end'
  | 'dtmf' | 'remote-hangup' | 'dial' | 'remote-answer' | 'transfer' | 'garbage' | 'disappear' | 'reappear' | 'stalled';

export interface DialScript {
  outcome: 'answer' | 'busy' | 'no-answer' | 'no-dialtone';
  /** Time until the outcome (VCON-style modems) or between ringback reports. Default 300 ms. */
  delayMs?: number;
  /** Ringback reports before the far end answers (progress-style modems). Default 2. */
  ringbacks?: number;
  /**
   * What the line sounds like after the dial, sent as +VRX audio (modems that
   * answer OK at once): ringback of a country then a person, a machine, colour
   * ring-back music, busy... (src/core/call-progress/far-end-audio.ts). Default
   * on the 'no-progress' dialect: derived from `outcome` (a CN ringback then a
   * person, CN busy, endless CN ringback, a dead line); elsewhere none.
   */
  farEnd?: FarEndScript;
}

export interface FarEndScript extends FarEndOptions {
  kind: FarEndKind;
  /** Seed of the synthesis. Default 1. */
  seed?: number;
}
