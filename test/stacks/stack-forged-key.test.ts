import { PUBLISHED_EXAMPLE_PUBLIC_KEYS } from '../support/published-example-public-keys';
import { Registration, runStackWithMocks, stackConfig } from './stack-harness';

test('pulumi up refuses a published example key in prod before any resource is registered', async () => {
  const rfc = PUBLISHED_EXAMPLE_PUBLIC_KEYS.find((k) => k.source.startsWith('RFC 7516 A.2'))!.jwk;
  const config = stackConfig('prod', (v) => { v.gateway.jwt.public.jwks = JSON.stringify({ keys: [{ ...rfc, kid: 'dev-1', use: 'sig', alg: 'RS256' }] }); });
  const registrations: Registration[] = [];
  await expect(runStackWithMocks('prod', config, registrations))
    .rejects.toThrow('agent-runtime:gateway.jwt.public.jwks: key "dev-1" is the example key of RFC 7516 A.2');
  expect(registrations).toEqual([]);
});
