/** What the call-progress detector says it heard (see detector.ts for when each comes). */
import type { ToneCountry } from './plans.ts';

export type HeardKind = 'ringback' | 'colour-ringback' | 'busy' | 'congestion' | 'answered-live' | 'answered-machine' | 'silence';

export interface Heard {
  kind: HeardKind;
  /** Audio time of the decision, ms from the first sample pushed. */
  atMs: number;
  /** No further decision follows. */
  final: boolean;
  /** The tone plan recognised (ringback, busy, congestion). */
  country?: ToneCountry;
  /** What decided it, for logs and call records: 'cadence 1000/4000', 'greeting 820 ms then pause'... */
  detail: string;
  /** On `silence`: nothing was ever heard (a dead line), as against ringing that stopped. */
  deadLine?: boolean;
}
