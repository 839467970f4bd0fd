import { runStackWithMocks, stackConfig } from './stack-harness';

test('a bad configuration fails before any resource is registered', async () => {
  const config = stackConfig('prod', (v) => { v.nacos.replicas = 4; });
  let registered = -1;
  await expect(runStackWithMocks('prod', config).then((r) => { registered = r.registrations.length; }))
    .rejects.toThrow('agent-runtime:nacos.replicas: 4 is not allowed; use an odd number');
  expect(registered).toBe(-1);
});
