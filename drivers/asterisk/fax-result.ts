/**
 * The outcome of an Asterisk fax session from the dialplan's KefuFax user
 * event (FAXSTATUS, FAXPAGES, REMOTESTATIONID, FAXERROR, FAXBITRATE).
 * FAXERROR is set on success too (e.g. HANGUP: the far end hung up after
 * the last page); FAXSTATUS empty means no session ran (the leg was gone).
 */
import type { FaxOutcome } from '../../src/core/fax/records.ts';
import { cleanStationId } from '../../src/core/fax/station.ts';

const TEXT: Record<string, string> = {
  OK: 'sent or received in full',
  NO_FAX: 'the far end is no fax machine, or hung up before the fax started',
  HANGUP: 'the call ended during the fax',
  TIMEOUT: 'the far end stopped answering (T.30 time-out)',
  NEGOTIATION: 'the fax machines could not agree on how to send',
  PROTOCOL_ERROR: 'T.30 protocol error',
  TRAINING_FAILED: 'the line was too poor for any speed',
  RETRAIN_FAILED: 'retraining failed: the line got worse',
  FILE_ERROR: 'the document could not be read or written',
  INIT_ERROR: 'the fax session could not start',
  UNSUPPORTED: 'the far end does not support the document',
};

export function faxOutcome(m: Record<string, string | undefined>): FaxOutcome {
  const status = (m.Status ?? '').toUpperCase();
  const ok = status === 'SUCCESS';
  const error = (m.Error ?? '').toUpperCase().replace(/\s+/g, '_');
  const code = ok ? 'OK' : status === '' ? 'NO_FAX' : error && error !== 'NO_ERROR' ? error : status;
  const pages = Number.parseInt(m.Pages ?? '', 10);
  const rate = Number.parseInt(m.Rate ?? '', 10);
  return {
    ok,
    pages: Number.isFinite(pages) && pages >= 0 ? pages : 0,
    remoteStationId: cleanStationId(m.Remote),
    resultCode: code,
    resultText: TEXT[code] ?? `fax ${status.toLowerCase() || 'not started'}${error ? ` (${error})` : ''}`,
    bitRate: Number.isFinite(rate) && rate > 0 ? rate : null,
  };
}
