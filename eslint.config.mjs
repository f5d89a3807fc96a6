// Lint: typescript-eslint's type-checked rules (https://typescript-eslint.io/getting-started/typed-linting),
// with the promise rules that catch fire-and-forget work: no-floating-promises, no-misused-promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Plain JS is config and generated code, except the dashboard's browser modules (linted below).
    ignores: [
      'node_modules/**',
      '.safety-hanta/**',
      'coverage/**',
      '**/*.cjs',
      '**/*.mjs',
      '**/*.js',
      '!functions/alerts/public/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // `project` (one program from tsconfig.json, built once per run), not `projectService`: "Right now,
    // parserOptions.project with single-run inference outperforms parserOptions.projectService"
    // (https://github.com/typescript-eslint/performance, README "Results"). Measured on this repo, `eslint .`:
    // 68 user-CPU-s against 92 with projectService (issue #22; every linted .ts file is in tsconfig.json).
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Interface methods that happen to be synchronous are still async by contract.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests and benchmarks read untyped JSON, YAML manifests and HTTP bodies and assert on them; the
    // promise rules stay on there too, only the any-tracking rules are off.
    files: ['**/test/**/*.ts', 'bench/**/*.ts', 'eval/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The dashboard (functions/alerts/public/*.js): browser ES modules, `// @ts-check` with JSDoc,
    // type-checked by tsconfig.browser.json (npm run lint). Linted with the rules that need no
    // type information; `no-undef` is off because tsc (lib DOM) already knows the browser globals,
    // as typescript-eslint advises (https://typescript-eslint.io/troubleshooting/faqs/eslint#i-get-errors-from-the-no-undef-rule-about-global-variables-not-being-defined-even-though-there-are-no-typescript-errors).
    files: ['functions/alerts/public/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      ecmaVersion: 2022,
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      'no-undef': 'off',
    },
  },
);
