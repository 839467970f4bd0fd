import { Registration, runStackWithMocks, stackConfig } from './stack-harness';

test('a missing secret fails before any resource is registered, naming the command that sets it', async () => {
  const config = stackConfig('dev');
  delete config['agent-runtime:nacosAdminPassword'];
  const registrations: Registration[] = [];
  await expect(runStackWithMocks('dev', config, registrations)).rejects.toThrow(
    'missing secret config agent-runtime:nacosAdminPassword; set it with `pulumi config set --secret nacosAdminPassword <value>`');
  expect(registrations).toEqual([]);
});

test('a tenant secret an agent reads fails before any resource is registered, naming every lacking key and no value', async () => {
  const config = stackConfig('dev');
  config['agent-runtime:tenantSecrets'] = JSON.stringify({ 'acme/acme-openai/org': 'org-only' });
  const registrations: Registration[] = [];
  const run = runStackWithMocks('dev', config, registrations);
  await expect(run).rejects.toThrow(/agent-runtime:tenantSecrets lacks 2 key\(s\) the agents read \(kagent would reject them\): acme\/acme-kb-token\/token, acme\/acme-openai\/api-key; set each with\n {2}pulumi config set --secret --path 'tenantSecrets\["acme\/acme-kb-token\/token"\]' <value>/);
  await run.catch((e: Error) => expect(e.message).not.toContain('org-only'));
  expect(registrations).toEqual([]);
});
