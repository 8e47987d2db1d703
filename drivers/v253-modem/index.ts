/** V.253 serial voice-modem line driver, its modem simulator, and the diagnose probe. */
export { V253LineDriver, type V253DriverOptions } from './driver.ts';
export { probeModem, type ModemProbeReport, type ProbeProblem, type ProbeOptions } from './probe.ts';
export type { ProbeResult, ModemQuirks } from './probe-sequence.ts';
export type { LineState, LineInput } from './machine.ts';
export { silentLogger, type Logger } from './logger.ts';
export {
  ModemSimulator,
  startSimulatedModem,
  type SimulatorOptions,
  type SimRecord,
  type SimEventName,
  type DialScript,
  type RingOptions,
  type CallerIdFormat,
  type PlayedAudio,
} from './simulator.ts';
export { DIALECT_NAMES, dialect, type Dialect, type DialectName } from './dialects.ts';
export { createPtyPair, type PtyPair, type PtyOptions } from './pty.ts';
