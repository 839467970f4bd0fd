import { AgentDirectory } from '../../constructs/agent-directory';
import { LABEL } from '../../constructs/labels';
import { findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { buildExample, byoAgent, FACTS, tenantChart } from './_example';

const RESEARCH = {
  tenant: 'acme', agent: 'research', namespace: 'acme', serviceHost: 'research.acme.svc.cluster.local', servicePort: 8080,
  podLabels: { [LABEL.tenant]: 'acme', [LABEL.agent]: 'research' },
  skills: [{ id: 'web', name: 'web', description: 'web skill', tags: ['web'] }], version: '1.0.0',
};
const ORCHESTRATOR = { ...RESEARCH, tenant: 'beta', agent: 'orchestrator', namespace: 'beta', serviceHost: 'orchestrator.beta.svc.cluster.local', podLabels: { [LABEL.tenant]: 'beta', [LABEL.agent]: 'orchestrator' } };

describe('AgentDirectory', () => {
  test('parses and formats `tenant/agent#skill` references', () => {
    expect(AgentDirectory.parseRef('acme/research#web')).toEqual({ tenant: 'acme', agent: 'research', skill: 'web' });
    expect(() => AgentDirectory.parseRef('acme/research')).toThrow('"acme/research" is not a skill reference');
  });

  test('resolves against plain data and says what exists when it cannot', () => {
    const d = AgentDirectory.fromData({ agents: [RESEARCH] });
    expect(d.resolve({ tenant: 'acme', agent: 'research', skill: 'web' })).toMatchObject({ skill: { id: 'web' } });
    expect(d.resolve({ tenant: 'acme', agent: 'research', skill: 'news' })).toEqual({ error: 'agent "acme/research" has no skill "news"; its skills are "web"' });
    expect(d.resolve({ tenant: 'zeta', agent: 'x', skill: 'y' })).toEqual({ error: 'no agent "zeta/x" is known (tenant "zeta" has no agents); fix the reference or define the agent' });
  });

  test('charts built one at a time from data allow the call on both sides (never writing into the other namespace)', () => {
    const data = { agents: [RESEARCH, ORCHESTRATOR], calls: [{ caller: 'beta/orchestrator', callee: 'acme/research', skill: 'web' }] };

    // The callee chart is built and synthesized before the caller chart exists.
    const acme = tenantChart({ name: 'acme' }, AgentDirectory.fromData(data));
    acme.tenant.addAgent({ ...byoAgent('research', ['web']), allowedCallers: ['beta/orchestrator'] });
    const acmeObjects = acme.chart.toJson();
    expect(validateAll(acmeObjects)).toEqual([]);
    // The callee admits its callers on the gateway (jwt-auth), never on its pods: no direct path.
    expect(acmeObjects.filter((o: any) => o.kind === 'NetworkPolicy' && JSON.stringify(o).includes('"beta"'))).toEqual([]);
    const plugin = findOne(acmeObjects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace);
    expect(plugin.spec.matchRules.find((r: any) => r.ingress[0] === 'acme/research-a2a-web').config.allow).toEqual(['beta/orchestrator']);
    expect(new Set(acmeObjects.map((o: any) => o.metadata.namespace ?? o.metadata.name))).toEqual(new Set(['acme', FACTS.gatewayNamespace]));

    const beta = tenantChart({ name: 'beta' }, AgentDirectory.fromData(data));
    beta.tenant.addAgent({ ...byoAgent('orchestrator', ['web']), calls: ['acme/research#web'] });
    const betaObjects = beta.chart.toJson();
    expect(validateAll(betaObjects)).toEqual([]);
    // The caller reaches the gateway, not the callee's pods.
    expect(findOne(betaObjects, 'NetworkPolicy', 'orchestrator-egress', 'beta').spec.egress.map((r: any) => r.to[0].podSelector.matchLabels)).toEqual([FACTS.gatewayPodLabels]);
  });

  test('a caller constructed before its callee still gets the callee-side rules', () => {
    const directory = new AgentDirectory();
    const beta = tenantChart({ name: 'beta' }, directory);
    const acme = tenantChart({ name: 'acme' }, directory);
    beta.tenant.addAgent({ ...byoAgent('orchestrator'), calls: ['acme/research#web'] });
    acme.tenant.addAgent({ ...byoAgent('research', ['web']), allowedCallers: ['beta'] });
    const objects = [...acme.chart.toJson(), ...beta.chart.toJson()];
    expect(validateAll(objects)).toEqual([]);
    const plugin = findOne(objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace);
    expect(plugin.spec.matchRules.find((r: any) => r.ingress[0] === 'acme/research-a2a-web').config.allow).toEqual(['beta/orchestrator']);
  });

  test('round-trips the example as plain data with its reverse edges', () => {
    const ex = buildExample();
    const data = ex.directory.toData();
    expect(data.agents.map((a) => `${a.tenant}/${a.agent}`)).toEqual(['acme/chat', 'acme/coder', 'acme/research', 'beta/billing', 'beta/orchestrator']);
    expect(data.calls).toEqual([
      { caller: 'beta/orchestrator', callee: 'acme/research', skill: 'web' },
      { caller: 'beta/orchestrator', callee: 'beta/billing', skill: 'refund' },
    ]);
    const copy = AgentDirectory.fromData(JSON.parse(JSON.stringify(data)));
    expect(copy.callersOf('acme/research', 'web')).toEqual(['beta/orchestrator']);
    expect(copy.callersOf('acme/research', 'summarize')).toEqual([]);
  });
});
