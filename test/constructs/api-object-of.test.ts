import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { AgentRuntimePlatform, AgentRuntimePlatformProps } from '../../constructs/agent-runtime-platform';
import { PLATFORM_PROPS } from '../support/fixtures';
import { byoAgent, tenantChart } from './_example';

/**
 * The escape hatch (constructs/README.md): `ApiObject.of(construct)` is the one object a construct
 * stands for, and a JSON patch on it lands in the output. Names are pinned: they are an external
 * contract (the objects' names are set explicitly, never derived from construct ids).
 */
describe('ApiObject.of on every construct that stands for one object', () => {
  const { chart, tenant } = tenantChart({ name: 'acme' });
  const agent = tenant.addAgent({ ...byoAgent('search'), scaling: { minReplicas: 1, maxReplicas: 3 } });
  const declarative = tenant.addAgent({
    name: 'helper', skills: [{ id: 'answer', name: 'Answer', description: 'Answers', tags: ['qa'] }],
    declarative: { model: { model: 'gpt-4o-2024-08-06', apiKeySecret: { name: 'openai', key: 'api-key' } }, systemMessage: 'Be brief.' },
  });
  const pool = tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:1.0.0', runtimeClassName: 'gvisor' });
  const cases: Array<[string, IConstruct, string, string]> = [
    ['TenantNamespace', tenant, 'Namespace', 'acme'],
    ['Agent (BYO)', agent, 'Deployment', 'search'],
    ['Agent.workload', agent.workload, 'Deployment', 'search'],
    ['Agent (declarative)', declarative, 'Agent', 'helper'],
    ['Agent.scaler', agent.scaler, 'HorizontalPodAutoscaler', 'search'],
    ['SandboxPool', pool, 'SandboxTemplate', 'code'],
  ];
  test.each(cases)('%s', (_name, construct, kind, name) => {
    const obj = ApiObject.of(construct);
    expect([obj.kind, obj.name]).toEqual([kind, name]);
  });

  test('a JSON patch through it lands in the output (the documented example)', () => {
    ApiObject.of(agent).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'agents-high'));
    const out = Testing.synth(chart).find((o) => o.kind === 'Deployment' && o.metadata.name === 'search');
    expect(out.spec.template.spec.priorityClassName).toBe('agents-high');
  });

  test('the platform\'s registry and controller', () => {
    const platform = new AgentRuntimePlatform(Testing.chart(), 'platform', PLATFORM_PROPS as AgentRuntimePlatformProps);
    expect([ApiObject.of(platform.nacos).kind, ApiObject.of(platform.nacos).name]).toEqual(['StatefulSet', 'nacos']);
    expect([ApiObject.of(platform.controller!).kind, ApiObject.of(platform.controller!).name]).toEqual(['Deployment', 'agent-runtime-controller']);
  });
});
