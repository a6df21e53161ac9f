// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The mapping core is the shared, pure part: it must stand alone (docs/architecture.md#the-pipeline).
    files: ['src/core/**/*.ts'],
    // Tests beside the core may read fixtures; the modules they test may not.
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../*', '!../core/*'], message: 'src/core must not import from outside src/core.' },
          { group: ['node:fs*', 'node:net', 'node:http*', 'node:child_process', 'node:os', 'fs', 'fs/*', 'http', 'https', 'net', 'os', 'child_process'], message: 'src/core is pure: no I/O.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'src/core is pure: no network.' }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'src/core is pure: no clock.' },
        { object: 'Math', property: 'random', message: 'src/core is pure: no randomness.' },
      ],
    },
  },
);
