/** Types the simulator's engine and its voice streams share. */

export type SimEventName =
  | 'ring' | 'callerid' | 'caller-gave-up' | 'offhook' | 'onhook' | 'vrx-start' | 'vrx-stop' | 'vtx-start' | 'vtx-end'
  | 'dtmf' | 'remote-hangup' | 'dial' | 'remote-answer' | 'garbage' | 'disappear' | 'reappear' | 'stalled';

export interface DialScript {
  outcome: 'answer' | 'busy' | 'no-answer' | 'no-dialtone';
  /** Time until the outcome (VCON-style modems) or between ringback reports. Default 300 ms. */
  delayMs?: number;
  /** Ringback reports before the far end answers (progress-style modems). Default 2. */
  ringbacks?: number;
}
