import type { Config, LineConfig } from '../../config/schema.ts';
import { toE164OrRaw } from '../../core/numbers/normalize.ts';
import { normalizePrefix } from '../../core/numbers/prefix.ts';

/**
 * Whether a call is recorded: recording.enabled, the line's `record` flag,
 * then recording.rules (first match wins; `number` is exact or a prefix ending
 * in "*", compared on normalised keys).
 */
export function shouldRecord(config: Readonly<Config>, line: LineConfig, numberKey: string | null): boolean {
  if (!config.recording.enabled || !line.record) return false;
  const opts = { defaultRegion: config.numbers.defaultRegion };
  for (const rule of config.recording.rules) {
    if (rule.line && rule.line !== line.id) continue;
    if (rule.number) {
      if (!numberKey) continue;
      if (rule.number.endsWith('*')) {
        const prefix = normalizePrefix(rule.number.slice(0, -1), opts);
        if (!prefix || !numberKey.startsWith(prefix)) continue;
      } else if (toE164OrRaw(rule.number, opts) !== numberKey) continue;
    }
    return rule.record;
  }
  return true;
}
