import { Registration, runStackWithMocks, stackConfig } from './stack-harness';

test('a bad configuration fails before any resource is registered', async () => {
  const config = stackConfig('prod', (v) => { v.nacos.replicas = 4; });
  const registrations: Registration[] = [];
  await expect(runStackWithMocks('prod', config, registrations))
    .rejects.toThrow('agent-runtime:nacos.replicas: 4 is not allowed; use an odd number');
  expect(registrations).toEqual([]);
});
