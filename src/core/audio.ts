/**
 * Audio inside kefu is always 8 kHz, mono, signed 16-bit little-endian PCM
 * ("telephone PCM"). Drivers convert to and from their device's encoding.
 */
export const SAMPLE_RATE = 8000;
export const BYTES_PER_SAMPLE = 2;

/** Duration in milliseconds of a telephone-PCM buffer. */
export const pcmDurationMs = (bytes: number): number => (bytes / BYTES_PER_SAMPLE / SAMPLE_RATE) * 1000;

/** Bytes of telephone PCM for a duration in milliseconds (whole samples). */
export const pcmBytesFor = (ms: number): number => Math.round((ms * SAMPLE_RATE) / 1000) * BYTES_PER_SAMPLE;
