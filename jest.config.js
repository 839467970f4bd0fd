/** Tests run TypeScript directly; type errors are caught once by `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/package: `npm run test:package`; test/kagent-engine runs kagent's Python engine: `npm run test:kagent-engine` (installs it first).
  testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/package/', '/test/kagent-engine/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
    // jose (used by @a2a-js/sdk 1.x for card signatures) ships ES modules only; Node 20 requires them, jest needs them as CommonJS.
    '/node_modules/jose/.+\\.js$': ['ts-jest', { isolatedModules: true, diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testTimeout: 120000,
  // NACOS_BACKEND=real: one real Nacos 3.1 for the run (test/support/nacos-backend.ts), shared, so in band
  globalSetup: '<rootDir>/test/support/nacos-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/nacos-global-teardown.ts',
  ...(process.env.NACOS_BACKEND === 'real' ? { maxWorkers: 1 } : {}),
  // The package's entries, resolved to the sources (users get dist-lib/ from `npm run build`).
  moduleNameMapper: {
    '^agent-runtime$': '<rootDir>/constructs/index.ts',
    '^agent-runtime/pulumi$': '<rootDir>/stacks/pulumi.ts',
    '^agent-runtime/runtime$': '<rootDir>/runtime/index.ts',
    '^agent-runtime/agent$': '<rootDir>/agent/index.ts',
  },
};
