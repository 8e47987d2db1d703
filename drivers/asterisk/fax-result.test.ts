import { describe, expect, it } from 'vitest';
import { faxOutcome } from './fax-result.ts';

describe('faxOutcome (the KefuFax user event)', () => {
  it('a success with FAXERROR HANGUP (the far end hung up after the last page) is OK', () => {
    expect(faxOutcome({ Status: 'SUCCESS', Pages: '3', Remote: 'LAB 13680000001', Error: 'HANGUP', Rate: '14400' }))
      .toEqual({ ok: true, pages: 3, remoteStationId: 'LAB 13680000001', resultCode: 'OK', resultText: 'sent or received in full', bitRate: 14400 });
  });
  it('a failure carries FAXERROR as the code', () => {
    expect(faxOutcome({ Status: 'FAILED', Pages: '1', Error: 'TRAINING_FAILED', Rate: '' })).toMatchObject({ ok: false, pages: 1, resultCode: 'TRAINING_FAILED', bitRate: null });
  });
  it('no status at all: no fax session ran', () => {
    expect(faxOutcome({ Status: '', Pages: '', Error: '' })).toMatchObject({ ok: false, pages: 0, resultCode: 'NO_FAX', remoteStationId: null });
  });
});
