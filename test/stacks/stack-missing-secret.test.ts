import { Registration, runStackWithMocks, stackConfig } from './stack-harness';

test('a missing secret fails before any resource is registered, naming the command that sets it', async () => {
  const config = stackConfig('dev');
  delete config['agent-runtime:nacosAdminPassword'];
  const registrations: Registration[] = [];
  await expect(runStackWithMocks('dev', config, registrations)).rejects.toThrow(
    'missing secret config agent-runtime:nacosAdminPassword; set it with `pulumi config set --secret nacosAdminPassword <value>`');
  expect(registrations).toEqual([]);
});
