import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-lib/**', 'generated/**', 'bench/results.json', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Constructs emit typed manifests (`_emitTyped`); untyped JSON only through `_emitUntyped`, for kinds with no CRD to generate from.
    files: ['constructs/**/*.ts'],
    ignores: ['constructs/_typed-manifest.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: ['**/_api-object'], importNames: ['_emit'],
        message: 'emit through _emitTyped (constructs/_typed-manifest.ts) with the generated type of the kind',
      }] }],
    },
  },
);
