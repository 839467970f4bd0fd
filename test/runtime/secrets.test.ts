/**
 * The Nacos password never appears in the serialized providers, in the plain (non-secret)
 * values a resource registers, or in anything logged while the providers work.
 */
import * as pulumi from '@pulumi/pulumi';
import { AgentCard, agentCardProvider } from '../../runtime/agent-card-resource';
import { createAgentCard, deleteAgentCard, readAgentCard, updateAgentCard, AgentCardOutputs, checkAgentCard } from '../../runtime/agent-card-provider';
import { NacosNamespace, nacosNamespaceProvider } from '../../runtime/nacos-namespace-resource';
import { startNacosEmulator } from '../nacos-emulator/nacos-emulator';
import { nacosBackend } from '../support/nacos-backend';
import { serializeProvider } from './dynamic-provider-host';
import { PASSWORD, USER, sampleCard } from './support';
import { captureOutput } from '../support/capture-output';
import { isSecret, RecordedRegistration, recordRegistrations } from '../support/pulumi-registrations';

test('the serialized providers hold no password and no client, even after the password was used', async () => {
  const emu = await nacosBackend();
  try {
    const { inputs } = await checkAgentCard({}, { card: sampleCard(), endpoint: emu.url, namespace: 'acme', credentials: { username: emu.username, password: emu.password } });
    await createAgentCard(inputs as any);
  } finally {
    await emu.close();
  }
  for (const provider of [agentCardProvider, nacosNamespaceProvider]) {
    const text = await serializeProvider(provider);
    expect(text).not.toContain(emu.password);
    expect(text).not.toContain('NacosClient');
    expect(text).not.toContain('fetch(');
    expect(text).toMatch(/local: ".*(agent-card|nacos-namespace)-provider"/);
  }
});

describe('registration with the Pulumi engine (mocks)', () => {
  const requests: RecordedRegistration[] = [];
  beforeAll(() => {
    recordRegistrations(requests);
    pulumi.runtime.setMocks({
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    });
  });

  test('credentials passed in plain text are sent as a secret and kept secret in outputs', async () => {
    const card = new AgentCard('billing', { card: sampleCard(), endpoint: 'http://nacos:8848', namespace: 'acme', credentials: { username: USER, password: PASSWORD } });
    const ns = new NacosNamespace('acme', { endpoint: 'http://nacos:8848', namespaceId: 'acme', credentials: { username: USER, password: PASSWORD } });
    await new Promise<void>((resolve) => pulumi.all([card.urn, ns.urn]).apply(() => resolve()));
    for (const type of ['pulumi-nodejs:dynamic/agentruntime/registry:AgentCard', 'pulumi-nodejs:dynamic/agentruntime/registry:NacosNamespace']) {
      const req = requests.find((r) => r.type === type);
      expect(req).toBeDefined();
      expect(req!.additionalSecretOutputs).toContain('credentials');
      expect(isSecret(req!.wire.credentials)).toBe(true);
      // Every plain value, the serialized provider included, is free of the password.
      const plain = { ...req!.wire, credentials: undefined };
      expect(JSON.stringify(plain)).not.toContain(PASSWORD);
    }
  });
});

test('nothing logged while the provider works, retries and re-logs in contains the password', async () => {
  const emu = await startNacosEmulator({ auth: { users: { [USER]: PASSWORD }, tokenTtlSeconds: 1 } });
  const { captured, restore } = captureOutput();
  try {
    const { inputs } = await checkAgentCard({}, { card: sampleCard('s', '1'), endpoint: emu.url, namespace: 'acme', credentials: { username: USER, password: PASSWORD } });
    emu.faults.serverError({ times: 2, status: 503 });
    const { outs } = await createAgentCard(inputs as any);
    emu.advanceClock(5_000); // the token expired on the server
    const news = (await checkAgentCard(outs, { ...inputs, card: sampleCard('s', '2') })).inputs;
    const updated = (await updateAgentCard('acme/s', outs as AgentCardOutputs, news as any)).outs;
    await readAgentCard('acme/s', updated);
    const failure = await createAgentCard({ ...(inputs as any), credentials: { username: USER, password: `${PASSWORD}-wrong` } }).catch((e: Error) => e);
    captured.push(String(failure), (failure as Error).stack ?? '');
    await deleteAgentCard('acme/s', updated);
  } finally {
    restore();
    await emu.close();
  }
  expect(captured.join('\n')).not.toContain(PASSWORD);
});
