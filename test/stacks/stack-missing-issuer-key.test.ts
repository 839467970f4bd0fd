import { TEST_SECRETS } from './stack-harness';

test('pulumi up in staging needs the internalIssuerKey secret: the internal JWKS is derived from it', async () => {
  const pulumi = require('@pulumi/pulumi');
  const { stackConfig } = require('./stack-harness');
  const config = stackConfig('staging');
  delete config['agent-runtime:internalIssuerKey'];
  await pulumi.runtime.setMocks({ newResource: (a: any) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a: any) => a.inputs }, 'agent-runtime', 'staging', false);
  pulumi.runtime.setAllConfig(config, Object.keys(TEST_SECRETS).map((k) => `agent-runtime:${k}`));
  const { runStack } = require('../../stacks/program');
  expect(() => runStack()).toThrow('agent-runtime:internalIssuerKey is not set; in staging the gateway\'s internal JWKS is derived from it');
  await pulumi.runtime.disconnect();
});
