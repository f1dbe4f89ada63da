import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * The layer order (ADR 0007): each project carries one `layer:*` tag (package.json `nx.tags`, or
 * project.json for the settings projects nested in a feature) and may import only the layers
 * listed for it. Nx also refuses any import cycle between projects and any relative import into
 * another project; type-only imports count, since a type import is still an edge in the graph.
 */
const LAYERS = {
  'layer:core': [],
  'layer:settings': ['layer:core'],
  'layer:tenancy': ['layer:core', 'layer:settings'],
  'layer:service': ['layer:core', 'layer:settings', 'layer:tenancy'],
  'layer:feature': ['layer:core', 'layer:settings', 'layer:tenancy', 'layer:service'],
  'layer:chat': ['layer:core', 'layer:settings', 'layer:tenancy', 'layer:service', 'layer:feature'],
  'layer:app': [
    'layer:core',
    'layer:settings',
    'layer:tenancy',
    'layer:service',
    'layer:feature',
    'layer:chat',
  ],
  'layer:tooling': ['layer:core', 'layer:settings', 'layer:tenancy'],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.wrangler/**',
      '**/dist/**',
      '**/generated/**',
      '**/worker-configuration.d.ts',
      'types/workerd-runtime.d.ts',
      '.nx/**',
      'bench/results/**',
      'bench/.build/**',
      '.deploy/**',
      'test-results/**',
    ],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    // Module code and its tests; a project's vitest.config.ts may import the shared root helper.
    files: ['{apps,packages}/*/{src,test}/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // The tenancy test checks the committed JSON Schema against the one the code generates.
          allow: ['../../../../tenants/tenant.schema.json'],
          // A project without a layer tag matches no constraint, and Nx then lets it import nothing.
          depConstraints: Object.entries(LAYERS).map(([sourceTag, below]) => ({
            sourceTag,
            onlyDependOnLibsWithTags: below,
          })),
        },
      ],
    },
  },
  {
    // Only the app touches Hono: packages (the chat engine included) take plain inputs and return
    // plain results, so a service can never reach for a request's context.
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['hono', 'hono/*', '@hono/*'],
              message: 'Packages take plain inputs; only apps/gateway uses Hono.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
