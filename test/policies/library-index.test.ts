/** The policy library can be imported without starting a CrossGuard pack; the pack entry is separate. */
const constructed: string[] = [];
jest.mock('@pulumi/policy', () => {
  const actual = jest.requireActual('@pulumi/policy');
  return { ...actual, PolicyPack: class { constructor(name: string) { constructed.push(name); } } };
});

test('importing policies/ constructs no PolicyPack and offers the rules, the review and protect-stateful', () => {
  const library = require('../../policies');
  expect(constructed).toEqual([]);
  expect(library.RULES.length).toBeGreaterThan(10);
  expect(typeof library.checkManifests).toBe('function');
  expect(library.protectStateful('prod').name).toBe('protect-stateful');
  expect(library.buildPolicies('prod').map((p: { name: string }) => p.name)).toContain('protect-stateful');
});

test('the pack entry constructs exactly one PolicyPack', () => {
  jest.isolateModules(() => require('../../policies/pack'));
  expect(constructed).toEqual(['agent-runtime']);
});
