/**
 * Fax station identifiers (T.30 TSI/CSI): up to 20 characters, digits,
 * space and '+' by the standard; printable ASCII tolerated as many machines
 * send it. What a far end sends is cleaned to that before it is stored.
 */
export function cleanStationId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 20);
  return s === '' ? null : s;
}

/** Checks a configured station id; returns an error message naming the field, or null. */
export function stationIdProblem(value: string, field: string): string | null {
  if (value.length > 20) return `${field}: at most 20 characters (T.30), got ${value.length}`;
  if (!/^[0-9 +]*$/.test(value)) return `${field}: digits, spaces and + only (T.30 station id), got "${value}"`;
  return null;
}
