// ESLint 9 flat config. Deliberately small: correctness rules only, no style
// rules (formatting is Prettier's job, see .prettierrc.json).
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Every Node built-in, bare ('fs', 'fs/promises', ...). The 'node:' prefixed
// forms are banned by the `node:*` pattern below.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('node:'));

export default defineConfig(
  {
    ignores: ['**/node_modules/**', 'lib/**', 'dist/**', '.data/**', 'test/histories/**', 'coverage/**'],
  },

  // Type-aware linting for all source, against the root tsconfig.json.
  // Root JS config files (jest.config.js, this file) are outside the tsconfig
  // "include", so they go through the default project.
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', '*.cjs'],
          defaultProject: 'tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
    },
    // Off: existing disable comments name rules this minimal set does not enable.
    linterOptions: {
      reportUnusedDisableDirectives: 'off',
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },

  // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins,
  // and activities may only be referenced by type (via proxyActivities<typeof ...>).
  {
    files: ['workflows/**/*.{ts,mts,cts,js,mjs,cjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Node built-ins are not available in the Temporal workflow sandbox; do this in an activity.',
          })),
          patterns: [
            {
              group: ['node:*'],
              message: 'Node built-ins are not available in the Temporal workflow sandbox; do this in an activity.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)activities(/|$)',
              allowTypeImports: true,
              message: 'Workflows must not import activity implementations; use `import type` and proxyActivities<typeof activities>().',
            },
          ],
        },
      ],
    },
  },
);
