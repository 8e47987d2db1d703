/**
 * The tests that spawn the daemon run the compiled release (bin/kefu.js ->
 * dist/, the console from web/dist): what ships is what is tested. `npm test`
 * builds it first; a test run started another way (npx vitest ...) stops here
 * when the release is older than its sources instead of testing stale code.
 */
import { join } from 'node:path';
import { ROOT, staleReason } from '../../scripts/build-state.mjs';

let current = false;

/** The path of bin/kefu.js, once dist/ and web/dist are known to be current. */
export function kefuBin(): string {
  if (!current) {
    for (const part of ['dist', 'web'] as const) {
      const reason = staleReason(part);
      if (reason) throw new Error(`the release under test is out of date (${reason}): run "npm run build" (npm test does it)`);
    }
    current = true;
  }
  return join(ROOT, 'bin', 'kefu.js');
}
