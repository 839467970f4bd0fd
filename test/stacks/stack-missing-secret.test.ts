import { runStackWithMocks, stackConfig } from './stack-harness';

test('a missing secret fails before any resource is registered, naming the command that sets it', async () => {
  const config = stackConfig('dev');
  delete config['agent-runtime:nacosAdminPassword'];
  await expect(runStackWithMocks('dev', config)).rejects.toThrow(
    'missing secret config agent-runtime:nacosAdminPassword; set it with `pulumi config set --secret nacosAdminPassword <value>`');
});
