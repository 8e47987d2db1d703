// `npm run contract:hardware`: the port contracts against real devices named
// by environment variables (test/hardware). Never part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [process.env.KEFU_CONTRACT_ONLY ? `test/hardware/${process.env.KEFU_CONTRACT_ONLY}.hardware.ts` : 'test/hardware/*.hardware.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
