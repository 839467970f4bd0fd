/** `npm run test:package`: the packed tarball, installed into an empty project (slow: packs and installs). */
const base = require('./jest.config');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/package/**/*.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 900000,
};
