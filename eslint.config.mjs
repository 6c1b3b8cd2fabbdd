// @ts-check
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

/**
 * The layers of src/, bottom to top (README "Architecture"). A folder may import from its
 * own layer's other folders only where listed below, and from every layer beneath it; so no
 * import cycle can form between top-level folders. Type-only imports count too: a cycle of
 * types is still a cycle for the reader.
 */
const LAYERS = [
  ['common', 'logging', 'metrics'],
  ['ip', 'escher'],
  ['config'],
  ['db'],
  ['security', 'credentials'],
  ['auth'],
  ['call'],
  ['entities', 'errorlog', 'rate-limit'],
  ['customers', 'management'],
  ['offers-applied'],
  ['graphql'],
  ['http'],
  ['app'],
  ['cli', 'main'],
];
/** Same-layer imports that are allowed (one direction only). */
const SIDEWAYS = { customers: ['entities'] };

/**
 * The browser pages (console/: the settings console and GraphiQL) are bundled for the browser
 * and talk to the server over HTTP only: they import nothing of src/, and src/ (which serves
 * their bundles from dist/console/) imports nothing of them.
 */
const rules = [
  ...LAYERS.flatMap((folders, layer) =>
    folders.map((folder) => ({
      from: [folder],
      allow: [folder, ...LAYERS.slice(0, layer).flat(), ...(SIDEWAYS[folder] ?? [])],
    })),
  ),
  { from: ['console'], allow: ['console'] },
];

export default tseslint.config(
  { ignores: ['dist/**', '**/dist/**', 'node_modules/**', '.data/**', 'packages/*/node_modules/**', 'test-results/**'] },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommended],
    rules: {
      // Decorator-heavy type-graphql classes and test helpers use these on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.ts', 'console/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'boundaries/include': ['src/**/*.ts', 'console/**/*.ts'],
      'boundaries/elements': [
        { type: 'main', pattern: 'src/main.ts', mode: 'file' },
        ...LAYERS.flat()
          .filter((folder) => folder !== 'main')
          .map((folder) => ({ type: folder, pattern: `src/${folder}/**`, mode: 'file' })),
        { type: 'console', pattern: 'console/**', mode: 'file' },
      ],
    },
    rules: {
      'boundaries/element-types': ['error', { default: 'disallow', rules }],
      'boundaries/no-unknown-files': 'error',
    },
  },
);
