import * as crypto from 'node:crypto';
import { AgentDirectory } from '../../constructs/agent-directory';
import { _gatewayPodValues } from '../../constructs/higress-config';
import { A2A_FALLBACK_SKILL_HEADER, A2A_SKILL_HEADER, NO_CALLER } from '../../constructs/contracts';
import { ANNOTATION, LABEL } from '../../constructs/labels';
import { kagentValues } from '../../stacks/third-party';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { buildExample, byoAgent, FACTS, tenantChart } from './_example';

/** A test key pair: the platform's internal issuer signs with the private key, the JWKS carries the public one. */
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWK = { ...publicKey.export({ format: 'jwk' }), kid: 'test-1', use: 'sig', alg: 'RS256' };
const FACTS_WITH_KEY = { ...FACTS, jwt: { ...FACTS.jwt, internalJwks: JSON.stringify({ keys: [JWK] }) } };

const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
function sign(claims: object): string {
  const head = `${b64({ alg: 'RS256', kid: 'test-1', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${b64(crypto.sign('sha256', Buffer.from(head), privateKey))}`;
}
/** jwt-auth's check, as far as identity goes: a consumer whose issuer equals `iss` and whose JWKS verifies the signature. */
function consumerOf(token: string, consumers: Array<{ name: string; issuer: string; jwks: string }>): string | undefined {
  const [h, p, sig] = token.split('.');
  const { kid } = JSON.parse(Buffer.from(h, 'base64url').toString());
  const { iss } = JSON.parse(Buffer.from(p, 'base64url').toString());
  return consumers.find((c) => c.issuer === iss && JSON.parse(c.jwks).keys.some((k: any) => k.kid === kid
    && crypto.verify('sha256', Buffer.from(`${h}.${p}`), crypto.createPublicKey({ key: k, format: 'jwk' }), Buffer.from(sig, 'base64url'))))?.name;
}

describe('every declared call has a working, exclusive path: card -> token -> gateway -> callee', () => {
  const ex = buildExample(FACTS_WITH_KEY);
  const objects = ex.synth();
  const callers = [ex.research, ex.billing, ex.orchestrator, ex.coder, ex.chat.stable, ex.chat.canary].filter((a) => a.calls.length > 0);

  test('has callers to check', () => {
    expect(callers.map((a) => a.key)).toEqual(['beta/orchestrator']);
  });

  test('each A2A_CALLS URL is an Ingress route whose jwt-auth rule admits the caller and only declared callers, and the caller\'s token verifies', () => {
    const ingresses = findAll(objects, 'Ingress');
    const rules = findAll(objects, 'WasmPlugin').filter((p) => p.metadata.name.startsWith('jwt-auth-'))
      .flatMap((p) => p.spec.matchRules.map((r: any) => ({ ...r, consumers: p.spec.defaultConfig.consumers })));
    let checked = 0;
    for (const caller of callers) {
      const dep = findOne(objects, 'Deployment', caller.name, caller.tenant.namespace);
      const calls = JSON.parse(dep.spec.template.spec.containers[0].env.find((e: any) => e.name === 'A2A_CALLS').value);
      expect(calls.map((c: any) => c.ref)).toEqual(caller.callSpecs.map((c) => `${c.tenant}/${c.agent}#${c.skill}`));
      for (const call of calls) {
        const url = new URL(call.url);
        // Stable route only (the canary twin answers the same path under Higress' canary rules).
        const route = ingresses.find((i) => !i.metadata.annotations['higress.io/canary'] && i.spec.rules[0].host === url.hostname && i.spec.rules[0].http.paths[0].path === url.pathname);
        expect(route).toBeDefined();
        const rule = rules.find((r) => r.ingress.includes(`${route.metadata.namespace}/${route.metadata.name}`));
        const declared = ex.directory.callersOf(call.agent, call.skill);
        expect(rule.config.allow).toContain(caller.key);
        expect([...rule.config.allow].sort()).toEqual(declared);
        const token = sign({ iss: `${FACTS.jwt.internalIssuer}/${caller.key}`, sub: caller.key, exp: Math.floor(Date.now() / 1000) + 600 });
        expect(consumerOf(token, rule.consumers)).toBe(caller.key);
        // A token of another identity is not this caller's consumer; a forged signature matches nobody.
        expect(consumerOf(sign({ iss: `${FACTS.jwt.internalIssuer}/acme/chat` }), rule.consumers)).not.toBe(caller.key);
        expect(consumerOf(`${token.slice(0, -4)}AAAA`, rule.consumers)).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBe(2);
  });

  test('the card url of each agent is its internal route and admits only callers of every skill (the skill comes from the message there)', () => {
    const research = ex.research.card.supportedInterfaces[0].url;
    const route = findAll(objects, 'Ingress').find((i) => `https://${i.spec.rules[0].host}${i.spec.rules[0].http.paths[0].path}` === research)!;
    expect(route.metadata.name).toBe('research-a2a');
    const rules = findOne(objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace).spec.matchRules;
    // beta/orchestrator declared only "web" of web + summarize: it calls its skill route, not the card url.
    expect(rules.find((r: any) => r.ingress[0] === 'acme/research-a2a').config.allow).toEqual([NO_CALLER]);
    expect(rules.find((r: any) => r.ingress[0] === 'acme/research-a2a-web').config.allow).toEqual(['beta/orchestrator']);
  });

  test('a canary card names its own version\'s route, which always reaches the canary', () => {
    expect(ex.chat.canary.card.supportedInterfaces[0].url).toBe(`https://${FACTS.gatewayHost}/api/v1/internal/a2a/acme/chat/versions/${ex.chat.canary.version}`);
    const route = findOne(objects, 'Ingress', 'chat-canary-card', 'acme');
    expect(route.spec.rules[0].http.paths[0]).toMatchObject({ path: `/api/v1/internal/a2a/acme/chat/versions/${ex.chat.canary.version}`, backend: { service: { name: 'chat-canary' } } });
    expect(route.metadata.annotations['higress.io/canary']).toBeUndefined();
    expect(ex.chat.stable.card.supportedInterfaces[0].url).toBe(`https://${FACTS.gatewayHost}/api/v1/internal/a2a/acme/chat`);
  });
});

/** Higress header control of an Ingress, parsed as Higress does (header_control.go); names lowercased. */
function headerControl(ingress: any): { add: Record<string, string>; update: Record<string, string>; remove: string[] } {
  const a = ingress.metadata.annotations ?? {};
  const lines = (v: string | undefined) => Object.fromEntries((v ?? '').split('\n').map((l) => l.trim()).filter(Boolean)
    .map((l) => /^(\S+)\s+(.*)$/.exec(l)!).map((m) => [m[1].toLowerCase(), m[2].trim()]));
  return {
    add: lines(a['higress.io/request-header-control-add']),
    update: lines(a['higress.io/request-header-control-update']),
    remove: (a['higress.io/request-header-control-remove'] ?? '').split(',').map((h: string) => h.trim().toLowerCase()).filter(Boolean),
  };
}

describe('X-A2A-Skill is the gateway\'s: a caller allowed on one skill cannot reach another skill of the same agent', () => {
  const skill = A2A_SKILL_HEADER.toLowerCase();
  const directory = new AgentDirectory();
  const a = tenantChart({ name: 'gamma' }, directory);
  a.tenant.addAgent(byoAgent('multi', ['draft', 'review']));
  a.tenant.addAgent({ ...byoAgent('both'), calls: ['gamma/multi#draft', 'gamma/multi#review'] });
  a.tenant.addAgent({ ...byoAgent('one'), calls: ['gamma/multi#draft'] });
  const ex = buildExample();
  const objects = [...a.chart.toJson(), ...ex.synth()];
  const ingresses = findAll(objects, 'Ingress');

  test('every skill route sets X-A2A-Skill to its own skill id (overwriting), every other route removes it, none adds it', () => {
    const kinds = new Set<string>();
    for (const ing of ingresses) {
      const h = headerControl(ing);
      const id = ing.metadata.labels[LABEL.skill];
      const at = `${ing.metadata.namespace}/${ing.metadata.name}`;
      expect({ at, added: h.add[skill] }).toEqual({ at, added: undefined });
      if (id) {
        expect({ at, path: ing.spec.rules[0].http.paths[0].path.split('/').pop(), set: h.update[skill], removed: h.remove.includes(skill) }).toEqual({ at, path: id, set: id, removed: false });
        kinds.add(ing.metadata.annotations['higress.io/canary'] ? 'canary skill' : 'skill');
      } else {
        expect({ at, set: h.update[skill], removed: h.remove.includes(skill) }).toEqual({ at, set: undefined, removed: true });
        kinds.add(ing.metadata.name.replace(/-(by-weight|by-header|by-cookie|pinned)$/, '').replace(/^.*?-(chat|card|kagent-a2a|a2a)$/, '$1') + (ing.metadata.annotations['higress.io/canary'] ? ' canary' : ''));
      }
    }
    // Chat routes mark their requests so agents refuse A2A on them (agent/serve-agent.ts).
    const chats = ingresses.filter((i) => i.spec.rules[0].http.paths[0].path.startsWith('/api/v1/agents/'));
    expect(chats.length).toBeGreaterThan(0);
    for (const chat of chats) expect(headerControl(chat).update['x-a2a-route']).toBe('chat');
    // Every kind of route was seen: skill (stable, canary), chat, agent (stable, canary), version (card), kagent.
    expect([...kinds].sort()).toEqual(['a2a', 'a2a canary', 'canary skill', 'card', 'chat', 'chat canary', 'kagent-a2a', 'skill']);
  });

  test('X-A2A-Fallback-Skill: set only by a skill route whose fallback is another agent\'s skill, removed everywhere else', () => {
    const fb = A2A_FALLBACK_SKILL_HEADER.toLowerCase();
    const d = new AgentDirectory();
    const g = tenantChart({ name: 'delta' }, d);
    g.tenant.addAgent(byoAgent('backup', ['lookup']));
    g.tenant.addAgent({ ...byoAgent('main', ['search', 'plain']), skills: [
      { id: 'search', name: 'search', description: 'search', tags: ['t'], fallback: 'backup#lookup' },
      { id: 'plain', name: 'plain', description: 'plain', tags: ['t'] },
    ] });
    const all = findAll([...g.chart.toJson(), ...objects], 'Ingress');
    const set = all.filter((i) => headerControl(i).update[fb] !== undefined).map((i) => `${i.metadata.name}=${headerControl(i).update[fb]}`);
    expect(set).toEqual(['main-a2a-search=lookup']);
    for (const ing of all) {
      const h = headerControl(ing);
      if (h.update[fb] === undefined) expect({ at: ing.metadata.name, removed: h.remove.includes(fb) }).toEqual({ at: ing.metadata.name, removed: true });
      expect(h.add[fb]).toBeUndefined();
    }
  });

  test('the agent route (card url) admits only callers of every skill; each skill route exactly its callers', () => {
    const allow = Object.fromEntries(findOne(objects, 'WasmPlugin', 'jwt-auth-gamma', FACTS.gatewayNamespace).spec.matchRules
      .filter((r: any) => r.ingress[0].startsWith('gamma/multi-a2a')).map((r: any) => [r.ingress[0], [...r.config.allow].sort()]));
    expect(allow).toEqual({ 'gamma/multi-a2a': ['gamma/both'], 'gamma/multi-a2a-draft': ['gamma/both', 'gamma/one'], 'gamma/multi-a2a-review': ['gamma/both'] });
  });

  test('the emitted objects pass the strict schemas', () => {
    expect(validateAll(objects)).toEqual([]);
  });
});

describe('callee consent', () => {
  function pair(callee: object, calls = ['acme/research#web']) {
    const directory = new AgentDirectory();
    const a = tenantChart({ name: 'acme' }, directory);
    const b = tenantChart({ name: 'beta' }, directory);
    a.tenant.addAgent({ ...byoAgent('research', ['web']), ...callee });
    b.tenant.addAgent({ ...byoAgent('orchestrator'), calls });
    return () => [a.chart, b.chart].flatMap((c) => c.toJson());
  }

  test('a cross-tenant call needs the callee\'s consent; the error names both sides and the fix', () => {
    expect(pair({})).toThrow('[acme/tenant/research] allowedCallers does not let agent "beta/orchestrator" call "acme/research": "acme/research" has visibility "tenant" and does not allow tenant "beta"; add "beta/orchestrator" (or "beta") to allowedCallers of "acme/research", set its visibility to "platform", or remove the call from "beta/orchestrator"');
    expect(pair({ allowedCallers: ['beta'] })).not.toThrow();
    expect(pair({ allowedCallers: ['beta/orchestrator'] })).not.toThrow();
    expect(pair({ visibility: 'platform' })).not.toThrow();
    expect(pair({ visibility: 'public' })).not.toThrow();
  });

  test('a sensitive agent is callable only by the agents it lists, whatever its visibility', () => {
    expect(pair({ sensitive: true, visibility: 'platform', allowedCallers: ['beta'] })).toThrow('allowedCallers does not let agent "beta/orchestrator" call "acme/research": "acme/research" is sensitive and callable only by the agents in its allowedCallers (none); add "beta/orchestrator" to allowedCallers of "acme/research", or remove the call from "beta/orchestrator"');
    expect(pair({ sensitive: true, allowedCallers: ['beta/orchestrator'] })).not.toThrow();
    const directory = new AgentDirectory();
    const a = tenantChart({ name: 'acme' }, directory);
    a.tenant.addAgent({ ...byoAgent('vault', ['read']), sensitive: true });
    a.tenant.addAgent({ ...byoAgent('helper'), calls: ['acme/vault#read'] });
    expect(() => a.chart.toJson()).toThrow(/"acme\/vault" is sensitive/);
  });

  test('rejects a malformed allowedCallers entry', () => {
    expect(() => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('x'), allowedCallers: ['beta/orch/x'] }))
      .toThrow('agent acme/tenant/x: allowedCallers[0]: "beta/orch/x" is neither a tenant ("globex") nor an agent ("globex/researcher")');
  });
});

describe('declarative callers', () => {
  const DECL = { model: { model: 'gpt-4o', apiKeySecret: { name: 'openai', key: 'api-key' } }, systemMessage: 'Be brief.' };
  const skills = (id: string) => [{ id, name: id, description: id, tags: [id] }];
  const directory = new AgentDirectory();
  const a = tenantChart({ name: 'acme' }, directory);
  const b = tenantChart({ name: 'beta' }, directory);
  a.tenant.addAgent({ name: 'research', skills: skills('web'), declarative: DECL, allowedCallers: ['beta'] });
  b.tenant.addAgent({ name: 'planner', skills: skills('plan'), declarative: DECL, calls: ['acme/research#web'] });
  const objects = [a.chart, b.chart].flatMap((c) => c.toJson());

  test('get a kagent agent tool per callee, with the token as Authorization header, and the token file', () => {
    expect(validateAll(objects)).toEqual([]);
    const planner = findOne(objects, 'Agent', 'planner', 'beta').spec.declarative;
    expect(planner.tools).toEqual([{
      type: 'Agent',
      agent: { apiGroup: 'kagent.dev', kind: 'Agent', name: 'research', namespace: 'acme' },
      headersFrom: [{ name: 'Authorization', valueFrom: { type: 'Secret', name: 'planner-a2a-token', key: 'authorization' } }],
    }]);
    expect(planner.deployment.volumeMounts).toContainEqual({ name: 'a2a-token', mountPath: '/var/run/agentruntime.io/a2a', readOnly: true });
    expect(JSON.parse(planner.deployment.env.find((e: any) => e.name === 'A2A_CALLS').value)[0].url).toBe('https://agents.example.com/api/v1/internal/a2a/acme/research/web');
  });

  test('the callee lets the caller\'s namespace reference it, and the gateway admits the caller on the kagent proxy route', () => {
    expect(findOne(objects, 'Agent', 'research', 'acme').spec.allowedNamespaces).toEqual({
      from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['beta'] }] },
    });
    const route = findOne(objects, 'Ingress', 'research-kagent-a2a', 'acme');
    expect(route.metadata.annotations['higress.io/exact-match-header-x-kagent-host']).toBe('research.acme');
    expect(route.spec.rules[0].host).toBe('higress-gateway.higress-system.svc.cluster.local');
    const rule = findOne(objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace).spec.matchRules.find((r: any) => r.ingress[0] === 'acme/research-kagent-a2a');
    expect(rule.config.allow).toEqual(['beta/planner']);
    expect(findOne(objects, 'Agent', 'planner', 'beta').metadata.annotations[ANNOTATION.calls]).toBe('acme/research#web');
  });

  test('calling a BYO agent is an error naming both sides (kagent tools name kagent Agents only)', () => {
    const d = new AgentDirectory();
    const t = tenantChart({ name: 'acme' }, d);
    t.tenant.addAgent(byoAgent('billing', ['refund']));
    t.tenant.addAgent({ name: 'planner', skills: skills('plan'), declarative: DECL, calls: ['acme/billing#refund'] });
    expect(() => t.chart.toJson()).toThrow('calls[0]: "acme/billing#refund" calls a BYO agent; kagent 0.9 builds agent tools only for kagent Agents');
  });

  test('kagent chart values use keys of its 0.9.12 chart: no demo agents, agent tools proxied through the gateway', () => {
    const v = kagentValues();
    expect(v).not.toHaveProperty('agents');
    expect(v['k8s-agent']).toEqual({ enabled: false });
    expect(v.proxy).toEqual({ url: 'http://higress-gateway.higress-system.svc.cluster.local' });
  });
});

describe('API server egress', () => {
  test('comes from platform.kubernetesApi, checked', () => {
    const t = tenantChart({ name: 'acme' }, new AgentDirectory(), { ...FACTS, kubernetesApi: { cidrs: ['10.0.0.10/32'], port: 443 } });
    const pool = t.tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:1.0.0', runtimeClassName: 'gvisor' });
    t.tenant.addAgent({ ...byoAgent('coder'), sandboxPool: pool });
    t.tenant.addAgent(byoAgent('plain'));
    const objects = t.chart.toJson();
    expect(findOne(objects, 'NetworkPolicy', 'coder-egress', 'acme').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(JSON.stringify(findAll(objects, 'NetworkPolicy').filter((n) => n.metadata.name !== 'coder-egress'))).not.toContain('10.0.0.10/32');
    expect(() => tenantChart({ name: 'acme' }, new AgentDirectory(), { ...FACTS, kubernetesApi: { cidrs: ['10.0.0.300/32'], port: 443 } }))
      .toThrow('tenant acme/tenant: platform.kubernetesApi.cidrs: "10.0.0.300/32" has no valid IP address ("10.0.0.300"); give the API server endpoints as pods reach them (kubectl get endpoints kubernetes), e.g. ["10.0.0.10/32"]');
  });
});

describe('agent directory', () => {
  test('is sealed after the first synth: a late agent or call is an error, not a silent change of a written tenant', () => {
    const directory = new AgentDirectory();
    const a = tenantChart({ name: 'acme' }, directory);
    a.tenant.addAgent({ ...byoAgent('research', ['web']), visibility: 'platform' });
    a.chart.toJson();
    const b = tenantChart({ name: 'beta' }, directory);
    expect(() => b.tenant.addAgent({ ...byoAgent('orchestrator'), calls: ['acme/research#web'] }))
      .toThrow('agent directory: agent "beta/orchestrator" was registered or changed after tenant "acme" was synthesized; its output already depends on the directory. Construct every tenant and agent before synthesizing any chart');
  });

  test('rebuilding a chart from the same data is no change', () => {
    const directory = new AgentDirectory();
    const a = tenantChart({ name: 'acme' }, directory);
    a.tenant.addAgent(byoAgent('research', ['web']));
    a.chart.toJson();
    const again = AgentDirectory.fromData(directory.toData());
    const c = tenantChart({ name: 'acme' }, again);
    c.tenant.addAgent(byoAgent('research', ['web']));
    expect(() => c.chart.toJson()).not.toThrow();
  });
});

describe('scaling', () => {
  test('an agent scaled to zero wakes on the gateway\'s upstream metrics of its Service, which exist without pods', () => {
    const t = tenantChart({ name: 'acme' });
    t.tenant.addAgent({ ...byoAgent('search'), scaling: { minReplicas: 0 } });
    const so = findOne(t.chart.toJson(), 'ScaledObject', 'search', 'acme').spec;
    expect(so.pollingInterval).toBe(5);
    expect(so.triggers[0].type).toBe('prometheus');
    expect(so.triggers[0].metadata.query).toContain('envoy_cluster_upstream_cx_none_healthy{cluster_name="outbound|8080||search.acme.svc.cluster.local"}');
    expect(so.triggers[0].metadata.activationThreshold).toBe('0');
  });

  test('replicas spread over nodes and zones when an agent may run two or more', () => {
    const t = tenantChart({ name: 'acme' });
    t.tenant.addAgent({ ...byoAgent('many'), scaling: { minReplicas: 2, maxReplicas: 4 } });
    t.tenant.addAgent({ ...byoAgent('one'), scaling: { minReplicas: 1, maxReplicas: 1 } });
    const objects = t.chart.toJson();
    expect(findOne(objects, 'Deployment', 'many', 'acme').spec.template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey))
      .toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(findOne(objects, 'Deployment', 'one', 'acme').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('gateway Helm values carry replicas, resources, HPA and PDB', () => {
    expect(_gatewayPodValues({ replicas: 3, cpu: '2', memory: '4Gi' })).toEqual({
      'higress-core': { gateway: { replicas: 3, resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } } } },
      global: { defaultPodDisruptionBudget: { enabled: true } },
    });
    expect(_gatewayPodValues({ autoscaling: { minReplicas: 3, maxReplicas: 10 } })['higress-core'].gateway).toEqual({
      autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
    });
    expect(() => _gatewayPodValues({ replicas: 0 })).toThrow('gateway.pods.replicas 0 is not allowed');
  });
});
