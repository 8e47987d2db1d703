/**
 * What the tone runs heard so far say, if anything: ringback (not final),
 * busy or congestion (final), or a tone that never stops (final).
 */
import type { Heard } from './types.ts';
import { TONE_PLANS, cadenceMatch, type Run, type TonePlan } from './plans.ts';

/** No plan's tone lasts longer than 2 s (NA ringback): 3.5 s is a dial tone or number-unobtainable tone. */
const CONTINUOUS_TONE_MS = 3500;
/** Longer than any busy or congestion gap (0.7 s + 30 %): a gap this long after a ringback-length tone is ringback's. */
const RINGBACK_GAP_MS = 1000;

/**
 * `closed`: the runs that have ended; `all`: the same plus the one going on
 * (last, marked open). Busy and congestion need two full cycles of closed
 * runs (about 1.5–3 s); ringback one tone of the right length followed by a
 * long gap, or a full cycle. Among plans that fit, the one matching more runs
 * wins, then the one whose frequencies fit exactly (not as a neighbour).
 */
export function toneDecision(closed: readonly Run[], all: readonly Run[]): Omit<Heard, 'atMs'> | null {
  const open = all[all.length - 1] as Run;
  if (open.on && open.ms >= CONTINUOUS_TONE_MS) {
    return { kind: 'congestion', final: true, detail: `continuous tone ${open.freqs.join('+')} Hz (dial tone or number unobtainable)` };
  }
  const lastOn = [...all].reverse().find((r) => r.on && !r.open);
  let best: { plan: TonePlan; n: number; exact: boolean } | null = null;
  for (const plan of TONE_PLANS) {
    const ringback = plan.role === 'ringback';
    const runs = ringback ? all : closed;
    const n = cadenceMatch(plan, runs);
    const onRuns = runs.slice(runs.length - n).filter((r) => r.on && !r.open).length;
    const enough = ringback
      ? onRuns >= 1 && ((!open.on && open.ms >= RINGBACK_GAP_MS && n >= 2) || n >= plan.cadence.length + 1)
      : n >= Math.max(4, plan.cadence.length + 1) && onRuns >= 2;
    if (!enough) continue;
    const exact = !!lastOn && plan.freqs.some((fs) => fs.join(',') === lastOn.freqs.join(','));
    if (!best || n > best.n || (n === best.n && exact && !best.exact)) best = { plan, n, exact };
  }
  if (!best) return null;
  const { plan, n } = best;
  return { kind: plan.role, final: plan.role !== 'ringback', country: plan.country, detail: `cadence ${plan.cadence.join('/')} ms, ${n} runs matched` };
}
