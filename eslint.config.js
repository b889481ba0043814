// ESLint (flat config): the recommended rules over every JS folder, with each folder's globals.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/', 'dist/', 'node_modules/', '.deps/', 'out/', 'tests/browser/output/'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    // `const { dropped, ...kept } = o` is how the code leaves a field out of a copy.
    rules: { 'no-unused-vars': ['error', { ignoreRestSiblings: true }] },
  },
  // The package and the dialler run in browsers; the package also in Node with an environment.
  { files: ['js/**', 'web/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['bin/**', 'cloud/**', 'bench/**', 'tests/**', 'toolchain/**', 'bindings/**'], languageOptions: { globals: { ...globals.node } } },
  // Test and bench pages evaluate functions inside Chromium (page.evaluate): browser globals too.
  { files: ['tests/browser/**', 'bench/**'], languageOptions: { globals: { ...globals.browser } } },
];
