/**
 * The stacks `agent-runtime deploy` makes of an environment: their inputs' hashes (exactly the
 * changed tenant's changes), the checks before anything is touched, and a tenant's program under
 * Pulumi's mocks (its own objects and secrets only, no StackReference, the hash recorded as a secret).
 */
import { planDeploy, type EnvConfig } from '../../stacks/deploy/deploy-plan';
import { INPUTS_HASH_OUTPUT } from '../../stacks/deploy/stack-engine';
import { isSecret, stackConfig, TEST_SECRETS, type Registration } from './stack-harness';
import { recordRegistrations } from '../support/pulumi-registrations';

const SECRET = new Set(Object.keys(TEST_SECRETS).map((k) => `agent-runtime:${k}`));
const env = (mutate?: (values: Record<string, any>) => void, drop: string[] = []): EnvConfig => Object.fromEntries(
  Object.entries(stackConfig('dev', mutate)).filter(([k]) => !drop.includes(k)).map(([k, value]) => [k, { value, secret: SECRET.has(k) }]),
);
const hashes = (p: ReturnType<typeof planDeploy>): Record<string, string> => ({ platform: p.platform.hash, ...Object.fromEntries(p.tenants.map((t) => [t.tenant, t.hash])) });

test('the same configuration always gives the same hashes; one agent\'s change changes only its tenant\'s', () => {
  const before = hashes(planDeploy('dev', env()));
  expect(hashes(planDeploy('dev', env()))).toEqual(before);
  const after = hashes(planDeploy('dev', env((v) => { v.tenants[0].agents[0].scaling.maxReplicas = 5; })));
  expect(after.acme).not.toBe(before.acme);
  expect({ ...after, acme: before.acme }).toEqual(before);
});

test('a tenant\'s own secret changes its hash only; the admin password every tenant registers with changes all', () => {
  const before = hashes(planDeploy('dev', env()));
  const secrets = JSON.parse(TEST_SECRETS.tenantSecrets);
  const rotated = env(undefined);
  rotated['agent-runtime:tenantSecrets'] = { value: JSON.stringify({ ...secrets, 'acme/acme-openai/api-key': 'sk-rotated' }), secret: true };
  expect(hashes(planDeploy('dev', rotated))).toEqual({ ...before, acme: expect.not.stringMatching(before.acme) });
  const admin = env();
  admin['agent-runtime:nacosAdminPassword'] = { value: 'another-password', secret: true };
  const all = hashes(planDeploy('dev', admin));
  for (const k of Object.keys(before)) expect(all[k]).not.toBe(before[k]);
});

test('bad configuration and missing secrets fail in the plan, all missing secrets at once, before any stack exists', () => {
  expect(() => planDeploy('dev', env(undefined, ['agent-runtime:nacosAuthToken', 'agent-runtime:nacosAdminPassword']))).toThrow(
    /missing secret config agent-runtime:nacosAuthToken;[^\n]*\nmissing secret config agent-runtime:nacosAdminPassword; set it with `pulumi config set --secret nacosAdminPassword <value>`/,
  );
  expect(() => planDeploy('dev', env((v) => { v.tenants[0].agents[0].scaling.maxReplicas = 'many'; }))).toThrow(/agent-runtime:tenants\[0\]\.agents\[0\]\.scaling\.maxReplicas/);
});

describe('a tenant stack\'s program under Pulumi mocks', () => {
  const registrations: Registration[] = [];
  let outputs: Record<string, any>;
  const plan = planDeploy('dev', env());
  const acme = plan.tenants.find((t) => t.tenant === 'acme')!;

  beforeAll(async () => {
    const pulumi = require('@pulumi/pulumi');
    recordRegistrations(registrations);
    await pulumi.runtime.setMocks({
      newResource: (args: any) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args: any) => args.inputs,
    }, 'agent-runtime', acme.stack, false);
    const program = acme.program({ nacosCredentials: { username: 'nacos', password: TEST_SECRETS.nacosAdminPassword } });
    outputs = await new Promise((resolve) => pulumi.output(program()).apply(resolve));
    await pulumi.runtime.disconnect();
  });

  test('registers only its own chart, Secrets and cards, and reads no stack', () => {
    expect(registrations.some((r) => r.type === 'pulumi:pulumi:StackReference')).toBe(false);
    const releases = registrations.filter((r) => r.type === 'agentruntime:k8s:ChartRelease').map((r) => r.name);
    expect(releases).toEqual(['tenant-acme', 'tenant-acme-kagent']); // kagent's objects after the tenant's Secrets
    const group = registrations.find((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')!;
    expect(group.wire.objs.some((o: any) => o.metadata?.namespace === 'globex' || o.metadata?.labels?.['agentruntime.io/tenant'] === 'globex')).toBe(false);
    const secrets = registrations.filter((r) => r.type === 'kubernetes:core/v1:Secret').map((r) => r.name).sort();
    expect(secrets).toEqual(['acme-acme-kb-token', 'acme-acme-openai']);
    expect(registrations.filter((r) => r.name.startsWith('nacos-namespace-')).map((r) => r.name)).toEqual(['nacos-namespace-acme']);
    const cards = registrations.filter((r) => r.name.startsWith('card-')).map((r) => r.name);
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.every((c) => c.startsWith('card-acme-'))).toBe(true);
    find('kubernetes:core/v1:ServiceAccountPatch', 'acme-default-patch');
  });

  test('registers with the credentials the platform stack output, as a secret', () => {
    const card = registrations.find((r) => r.name.startsWith('card-acme-'))!;
    expect(isSecret(card.wire.credentials)).toBe(true);
  });

  test('outputs its inputs\' hash (the one deploy compares) and its routes', () => {
    expect(outputs[INPUTS_HASH_OUTPUT]).toBe(acme.hash);
    expect(Object.keys(outputs.routes).every((k) => k.startsWith('acme/'))).toBe(true);
  });

  function find(type: string, name: string): Registration {
    const hit = registrations.find((r) => r.type === type && r.name === name);
    if (!hit) throw new Error(`no ${type} ${name}`);
    return hit;
  }
});
