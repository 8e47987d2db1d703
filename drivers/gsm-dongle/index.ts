/** GSM/LTE dongle SMS driver (27.005 PDU mode), its far-side simulator and the diagnose probe. */
export { GsmDongle } from './driver.ts';
export type { GsmDongleOptions } from './options.ts';
export { DongleSimulator, startSimulatedDongle, DONGLE_DIALECTS, type DongleDialect, type DongleSimOptions, type SentRecord, type SendOutcome } from './simulator.ts';
export { encodeSubmit, decodePdu, type DecodedPdu, type EncodedSubmit } from './codec.ts';
