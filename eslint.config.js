// ESLint flat config: type-aware rules (no-floating-promises) everywhere,
// and an import boundary that keeps src/core free of I/O libraries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['fastify', '@fastify/*', 'pg', '@electric-sql/*', 'serialport', '@serialport/*', 'usb', 'ari-client', 'asterisk-manager', '@ipcom/*', 'ws'],
          message: 'src/core is the domain: no I/O libraries (use a port from src/core/ports.ts).',
        }],
      }],
    },
  },
);
