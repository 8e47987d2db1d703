/**
 * What the set-up wizard and the hardware page show of a caller-ID block:
 * the raw lines, the number as normalised, and whether the format was known.
 */
import type { CallerId } from '../../core/ports.ts';
import type { EventMap } from '../../core/events/bus.ts';
import type { NumberService } from '../numbers.ts';

/** DTMF caller ID comes as digits framed by A/B/D ... C (ETSI EN 300 659-1 annex, common on Chinese exchanges). */
const DTMF_FRAMED = /^[ABD]\d+C?$/i;

export function callerIdReport(lineId: string, numbers: NumberService, cid: CallerId | null, raw: string[]): EventMap['line.callerid'] {
  const base = { lineId, raw, defaultRegion: numbers.defaultRegion, name: cid?.name ?? null, withheld: cid?.withheld ?? null };
  const digits = cid?.number ?? null;
  if (!cid || (!digits && !cid.withheld && !cid.name)) {
    return { ...base, recognised: false, format: 'unknown', number: null, e164: null, display: null, valid: false, region: null };
  }
  const dtmf = digits !== null && DTMF_FRAMED.test(digits);
  const n = digits ? numbers.normalize(dtmf ? digits.replace(/[A-D]/gi, '') : digits) : null;
  return {
    ...base, recognised: true, format: dtmf ? 'dtmf' : 'fsk', number: digits,
    e164: n?.e164 ?? null, display: n?.display ?? null, valid: n?.valid ?? false, region: n?.region ?? null,
  };
}
