import { describe, expect, it } from 'vitest';
import { nextAttemptDelayMs } from './retry.ts';

const policy = { maxAttempts: 3, delayS: 60, backoff: 2 };

describe('nextAttemptDelayMs', () => {
  it('waits delayS, then backoff times longer each time, until maxAttempts', () => {
    expect(nextAttemptDelayMs(policy, 1, 'NO_ANSWER')).toBe(60_000);
    expect(nextAttemptDelayMs(policy, 2, 'BUSY')).toBe(120_000);
    expect(nextAttemptDelayMs(policy, 3, 'BUSY')).toBeNull();
  });
  it('never retries a document the far end cannot take or we cannot read', () => {
    expect(nextAttemptDelayMs(policy, 1, 'FILE_ERROR')).toBeNull();
    expect(nextAttemptDelayMs(policy, 1, 'UNSUPPORTED')).toBeNull();
  });
  it('one attempt in all: no retry', () => {
    expect(nextAttemptDelayMs({ ...policy, maxAttempts: 1 }, 1, 'NO_ANSWER')).toBeNull();
  });
});
