/** A fax as the API and the services see it. */
export type FaxDirection = 'inbound' | 'outbound';
export type FaxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'receiving' | 'received';

export interface Fax {
  id: string;
  direction: FaxDirection;
  /** The far end's number, E.164 (or digits of a short code); null when withheld. */
  number: string | null;
  lineId: string | null;
  customerId: string | null;
  callId: string | null;
  status: FaxStatus;
  pages: number | null;
  remoteStationId: string | null;
  /** The backend's result code (Asterisk FAXERROR / class 2.0 +FHS code), null before the end. */
  resultCode: string | null;
  resultText: string | null;
  bitRate: number | null;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  /** Inbound: how the fax was recognised (fax tone on a call, an IVR fax node, the modem line itself). */
  detected: 'cng' | 'ivr' | 'line' | null;
  hasDocument: boolean;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

/**
 * What one fax session came to, in the backends' common words. `ok` means
 * the document went through in full; `resultCode` is the backend's own code.
 */
export interface FaxOutcome {
  ok: boolean;
  pages: number;
  remoteStationId: string | null;
  resultCode: string;
  resultText: string;
  bitRate: number | null;
}
