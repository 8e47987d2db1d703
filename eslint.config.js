// ESLint flat config: type-aware rules (no-floating-promises) everywhere,
// an import boundary that keeps src/core free of I/O libraries, and one that
// keeps backends behind their ports: only src/main.ts and src/drivers.ts (the
// composition points) import drivers/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Backends are reached through their ports (src/core/ports.ts); src/main.ts and src/drivers.ts construct them. */
const DRIVERS = {
  group: ['**/drivers/**'],
  message: 'services and the domain see backends only through their ports (src/core/ports.ts); construct drivers in src/main.ts or src/drivers.ts.',
};

/** One writer of call rows and one emitter of call.* events: the call ledger (src/services/calls: ledger.ts, and reports.ts for ends reported by an earlier owner of a node). */
const LEDGER_ONLY = [
  {
    selector: "CallExpression[callee.property.name=/^(create|update)$/][callee.object.property.name='calls']",
    message: 'call rows are written by the call ledger only (src/services/calls/ledger.ts): report to a LedgerCall instead.',
  },
  {
    selector: "CallExpression[callee.property.name='emit'][arguments.0.value=/^call[.]/]",
    message: 'call.* events are emitted by the call ledger only (src/services/calls/ledger.ts).',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/results/**', 'web/dist/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [DRIVERS] }],
    },
  },
  {
    files: ['src/**/*.ts', 'drivers/**/*.ts'],
    ignores: ['src/services/calls/*.ts', 'src/db/repos/**', '**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...LEDGER_ONLY] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['fastify', '@fastify/*', 'pg', '@electric-sql/*', 'serialport', '@serialport/*', 'usb', 'ari-client', 'asterisk-manager', '@ipcom/*', 'ws'],
          message: 'src/core is the domain: no I/O libraries (use a port from src/core/ports.ts).',
        }, DRIVERS],
      }],
    },
  },
);
