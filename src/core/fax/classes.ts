/**
 * Whether a modem can fax for kefu, from the fax classes it reports
 * (AT+FCLASS=?). kefu leaves T.30 to the modem: it needs service class 2.0
 * (ITU T.32) or the older class 2 (EIA-592 draft). A class 1 modem leaves
 * T.30 and its timing to the computer; kefu does not do that.
 */
export interface FaxSupport { supported: boolean; faxClass: '2.0' | '2' | null; detail: string }

export function faxSupport(classes: readonly string[]): FaxSupport {
  const has = (c: string) => classes.some((x) => x.trim() === c);
  if (has('2.0') || has('2.1')) return { supported: true, faxClass: '2.0', detail: 'fax: class 2.0' };
  if (has('2')) return { supported: true, faxClass: '2', detail: 'fax: class 2' };
  if (has('1') || has('1.0')) return { supported: false, faxClass: null, detail: 'fax not supported (class 1 only: kefu needs a modem that does T.30 itself, class 2 or 2.0)' };
  return { supported: false, faxClass: null, detail: 'fax not supported (no fax class reported)' };
}
