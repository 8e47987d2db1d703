/**
 * Fax station identifiers (T.30 TSI/CSI): up to 20 characters, digits,
 * space and "+" by the standard; printable ASCII tolerated as many machines
 * send it. What a far end sends is cleaned to that before it is stored.
 */
export function cleanStationId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 20);
  return s === '' ? null : s;
}

