// npm run lint: typescript-eslint's type-aware rules over every TypeScript workspace (the compiler already enforces
// strictness; these catch what it cannot: floating promises, misused promises, unsafe any, dead code).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/cdktf.out/**', '**/.angular/**', '**/coverage/**', '.tools/**', '.venv/**', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
);
