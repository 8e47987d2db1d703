/**
 * Secrets in the configuration (AMI secret, ARI password, the password in a
 * database URL, anything under a key named like a secret) and how to keep
 * them out of messages and log lines: collect their values, then replace
 * every occurrence in text about to leave the process.
 */

/** Keys whose values are secrets wherever they appear. */
export const SECRET_KEY = /secret|password|passwd|token|api_?key|credential|^pin$/i;
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s]+)@/i;
const MASK = '[redacted]';

/** The secret values found in a configuration document (any shape), longest first. */
export function configSecrets(doc: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key: string | null) => {
    if (typeof v === 'string') {
      if (key !== null && SECRET_KEY.test(key) && v.length > 0) found.add(v);
      const m = URL_PASSWORD.exec(v);
      if (m?.[2]) { found.add(m[2]); try { found.add(decodeURIComponent(m[2])); } catch { /* not %-encoded */ } }
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(doc, null);
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced, and any password written in a URL masked. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.replaceAll(s, MASK);
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s"']*):([^@\s"']+)@/gi, `$1:${MASK}@`);
}

/** A copy of `value` with the values of secret-named keys masked (for echoing a config value). */
export function maskSecretValues(value: unknown, key: string | null = null): unknown {
  if (key !== null && SECRET_KEY.test(key) && value !== undefined && value !== null) return MASK;
  if (Array.isArray(value)) return value.map((x) => maskSecretValues(x, key));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, maskSecretValues(x, k)]));
  return value;
}
