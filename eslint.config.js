// Lint of the TypeScript sources (the Svelte components are checked by svelte-check).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.bench/', 'test/artifacts/', 'dashboard/**/*.svelte'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are allowed when they start with _ (kept to document a signature).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Test files and JSON handling read untyped API answers.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
