// The console's build: Preact pages in web/src -> web/dist, served by the
// daemon at /. Built with the release by `npm run build` (scripts/build.mjs; npm ci runs it);
// the daemon only serves it.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
});
