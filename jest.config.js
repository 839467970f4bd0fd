/** Tests run TypeScript directly; type errors are caught once by `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  testTimeout: 120000,
  // The package's entries, resolved to the sources (users get dist-lib/ from `npm run build`).
  moduleNameMapper: {
    '^agent-runtime$': '<rootDir>/constructs/index.ts',
    '^agent-runtime/pulumi$': '<rootDir>/stacks/pulumi.ts',
    '^agent-runtime/runtime$': '<rootDir>/runtime/index.ts',
  },
};
