import { CALLER_HEADER, INTERNAL_AUDIENCE, NO_CALLER } from '../../constructs/contracts';
import { legacyCardOf } from '../../constructs/agent-card-v1';
import { validateAgentCard } from '../../runtime/agent-card';
import { AGENT_CARD_KEY, ANNOTATION, LABEL } from '../../constructs/labels';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { buildExample, byoAgent, FACTS, tenantChart } from './_example';

describe('Agent', () => {
  const ex = buildExample();
  const objects = ex.synth();

  test('every emitted object validates', () => {
    expect(validateAll(objects)).toEqual([]);
  });

  test('matches the everything-on snapshot (declarative agent with MCP server, BYO caller with KEDA and calls)', () => {
    const orchestrator = objects.filter((o) => o.metadata?.labels?.[LABEL.agent] === 'orchestrator' && o.metadata.namespace === 'beta');
    const research = objects.filter((o) => o.metadata?.labels?.[LABEL.agent] === 'research');
    expect([...research, ...orchestrator]).toMatchSnapshot();
  });

  describe('declarative', () => {
    test('emits a kagent Agent with its skills, model config, MCP tool and restricted pods, replicas left unset', () => {
      const agent = findOne(objects, 'Agent', 'research', 'acme');
      expect(agent.apiVersion).toBe('kagent.dev/v1alpha2');
      expect(agent.spec.type).toBe('Declarative');
      const d = agent.spec.declarative;
      expect(d.modelConfig).toBe('research-model');
      expect(d.systemMessage).toBe('You are a careful research assistant.');
      expect(d.tools).toEqual([{ type: 'McpServer', mcpServer: { name: 'research-github', kind: 'RemoteMCPServer', apiGroup: 'kagent.dev', toolNames: ['search_code', 'get_file_contents'] } }]);
      expect(d.a2aConfig.skills.map((s: any) => s.id)).toEqual(['web', 'summarize']);
      expect(d.deployment.replicas).toBeUndefined();
      expect(d.deployment.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(d.deployment.labels).toMatchObject({ [LABEL.tenant]: 'acme', [LABEL.agent]: 'research', [LABEL.role]: 'agent', [LABEL.component]: 'declarative-agent' });
      expect(d.deployment.serviceAccountName).toBe('research-agent');
    });

    test('gives the ModelConfig string sampling values, integer token counts, a secret API key and headers', () => {
      expect(findOne(objects, 'ModelConfig', 'research-model', 'acme').spec).toEqual({
        provider: 'OpenAI',
        model: 'gpt-4o-2024-08-06',
        apiKeySecret: 'openai',
        apiKeySecretKey: 'api-key',
        defaultHeaders: { 'OpenAI-Organization': 'org-acme' },
        openAI: { temperature: '0.2', topP: '0.9', maxTokens: 4096, timeout: 60 },
      });
    });

    test('reads auth headers of a RemoteMCPServer from a Secret', () => {
      expect(findOne(objects, 'RemoteMCPServer', 'research-github', 'acme').spec).toEqual({
        description: 'github MCP server',
        url: 'https://api.githubcopilot.com/mcp/',
        protocol: 'STREAMABLE_HTTP',
        timeout: '45s',
        headersFrom: [{ name: 'Authorization', valueFrom: { type: 'Secret', name: 'github-mcp', key: 'token' } }],
      });
    });

    test('takes the system prompt from a ConfigMap', () => {
      const t = tenantChart({ name: 'acme' });
      t.tenant.addAgent({ name: 'p', skills: [{ id: 'a', name: 'A', description: 'a', tags: ['a'] }], declarative: {
        model: { model: 'gpt-4o', apiKeySecret: { name: 'openai', key: 'api-key' } }, systemMessageFrom: { configMap: 'p-prompt', key: 'system.md' },
      } });
      expect(findOne(t.chart.toJson(), 'Agent', 'p', 'acme').spec.declarative.systemMessageFrom).toEqual({ type: 'ConfigMap', name: 'p-prompt', key: 'system.md' });
    });

    test('lets declarative agents, and only them, reach the kagent controller; the controller gets no way in', () => {
      const np = findOne(objects, 'NetworkPolicy', 'allow-kagent', 'acme').spec;
      expect(np.podSelector.matchLabels[LABEL.component]).toBe('declarative-agent');
      expect(np.policyTypes).toEqual(['Egress']);
      expect(np.ingress).toBeUndefined();
      expect(np.egress[0].ports).toEqual([{ protocol: 'TCP', port: 8083 }]);
    });
  });

  describe('bring your own', () => {
    test('runs a restricted Deployment without a token and a Service on the A2A port', () => {
      const dep = findOne(objects, 'Deployment', 'billing', 'beta');
      const pod = dep.spec.template.spec;
      expect(dep.spec.replicas).toBeUndefined();
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      const c = pod.containers[0];
      expect(c.image).toBe('ghcr.io/beta/billing:3.4.1');
      expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
      expect(c.resources).toEqual({ requests: { cpu: '125m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/.well-known/agent-card.json', port: 'a2a' });
      expect(c.livenessProbe.tcpSocket).toEqual({ port: 'a2a' });
      const svc = findOne(objects, 'Service', 'billing', 'beta');
      expect(svc.spec.ports).toEqual([{ name: 'a2a', port: 8080, targetPort: 'a2a', protocol: 'TCP' }]);
      expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
      expect(findOne(objects, 'ServiceAccount', 'billing', 'beta').automountServiceAccountToken).toBe(false);
    });

    test('projects a short-lived token and grants sandbox claims only to agents using a pool', () => {
      const pod = findOne(objects, 'Deployment', 'coder', 'acme').spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.volumes.find((v: any) => v.name === 'api-token').projected.sources[0].serviceAccountToken.expirationSeconds).toBe(3600);
      expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: 'SANDBOX_WARM_POOL', value: 'code' }]));
      const role = findOne(objects, 'Role', 'coder-sandbox-claims', 'acme');
      expect(role.rules).toEqual([{ apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxclaims'], verbs: ['get', 'list', 'watch', 'create', 'delete'] }]);
      expect(findOne(objects, 'RoleBinding', 'coder-sandbox-claims', 'acme').subjects).toEqual([{ kind: 'ServiceAccount', name: 'coder', namespace: 'acme' }]);
      expect(findAll(objects, 'Role', 'beta').map((r) => r.metadata.name)).toEqual(['tenant-developer']);
    });
  });

  describe('scaling', () => {
    test('uses an HPA from one replica, and a PDB of maxUnavailable 1 only above one replica', () => {
      expect(findOne(objects, 'HorizontalPodAutoscaler', 'research', 'acme').spec).toMatchObject({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'research' }, minReplicas: 2, maxReplicas: 4,
      });
      expect(findOne(objects, 'PodDisruptionBudget', 'research', 'acme').spec).toEqual({
        maxUnavailable: 1, selector: { matchLabels: { [LABEL.tenant]: 'acme', [LABEL.agent]: 'research', [LABEL.track]: 'stable' } },
      });
      expect(findAll(objects, 'PodDisruptionBudget', 'beta')).toEqual([]);
    });

    test('scales to zero with a KEDA ScaledObject and no HPA', () => {
      expect(findOne(objects, 'ScaledObject', 'orchestrator', 'beta').spec).toMatchObject({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orchestrator' }, minReplicaCount: 0, maxReplicaCount: 5,
        triggers: [{ type: 'cron' }],
      });
      expect(findAll(objects, 'HorizontalPodAutoscaler', 'beta').map((h) => h.metadata.name)).toEqual(['billing']);
    });
  });

  describe('routes', () => {
    test('do not wait for the Service of a declarative agent, which kagent creates later', () => {
      const chat = findOne(objects, 'Ingress', 'research-chat', 'acme');
      expect(chat.metadata.annotations['pulumi.com/skipAwait']).toBe('true');
      expect(chat.metadata.annotations['config.kubernetes.io/depends-on']).toBeUndefined();
    });

    test('serves POST chat and per-skill A2A routes on the gateway host with TLS, timeout, retries and the tier limit', () => {
      const chat = findOne(objects, 'Ingress', 'billing-chat', 'beta');
      expect(chat.metadata.annotations).toEqual({
        'higress.io/match-method': 'POST',
        'higress.io/rewrite-path': '/',
        'higress.io/timeout': '60',
        'higress.io/proxy-next-upstream-tries': '0',
        'higress.io/proxy-next-upstream': 'off',
        'higress.io/route-limit-rpm': '60',
        'higress.io/request-header-control-remove': 'X-A2A-Trace-ID,X-A2A-Parent-Agent,X-A2A-Parent-Request-ID,X-A2A-Skill,X-A2A-Fallback-Skill',
        'higress.io/request-header-control-update': 'X-A2A-Route chat',
        'config.kubernetes.io/depends-on': '/namespaces/beta/Service/billing',
      });
      expect(chat.spec.ingressClassName).toBe(FACTS.ingressClass);
      expect(chat.spec.tls).toEqual([{ hosts: [FACTS.gatewayHost], secretName: FACTS.gatewayTlsSecret }]);
      expect(chat.spec.rules[0].http.paths[0]).toEqual({ path: '/api/v1/agents/beta/billing/chat', pathType: 'Exact', backend: { service: { name: 'billing', port: { number: 8080 } } } });
      const refund = findOne(objects, 'Ingress', 'billing-a2a-refund', 'beta');
      expect(refund.spec.rules[0].http.paths[0].path).toBe('/api/v1/internal/a2a/beta/billing/refund');
      expect(refund.metadata.labels[LABEL.skill]).toBe('refund');
      expect(refund.metadata.annotations['higress.io/request-header-control-update']).toBe('X-A2A-Skill refund');
    });

    test('allows the public consumer on chat routes and exactly the declared callers on skill routes', () => {
      const plugin = findOne(objects, 'WasmPlugin', 'jwt-auth-beta', FACTS.gatewayNamespace);
      const allow = Object.fromEntries(plugin.spec.matchRules.map((r: any) => [r.ingress.join(','), r.config.allow]));
      expect(allow).toEqual({
        'beta/billing-chat': ['public'],
        'beta/billing-a2a-refund': ['beta/orchestrator'],
        'beta/billing-a2a-invoice': [NO_CALLER],
        // orchestrator declared refund only: the agent route (skill chosen by the message) is not its.
        'beta/billing-a2a': [NO_CALLER],
        'beta/orchestrator-chat': ['public'],
        'beta/orchestrator-a2a-plan': [NO_CALLER],
        'beta/orchestrator-a2a': [NO_CALLER],
      });
      const acme = findOne(objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace);
      expect(acme.spec.matchRules.find((r: any) => r.ingress[0] === 'acme/research-a2a-web').config.allow).toEqual(['beta/orchestrator']);
      expect(acme.spec.defaultConfig.consumers.map((c: any) => [c.name, c.issuer])).toEqual([
        ['public', FACTS.jwt.publicIssuer],
        ['beta/orchestrator', `${FACTS.jwt.internalIssuer}/beta/orchestrator`],
      ]);
      expect(acme.spec.defaultConfig.consumers[1].jwks).toBe(FACTS.jwt.internalJwks);
    });

    test('closes routes no agent calls by construction: their allow list names no consumer of any plugin', () => {
      const plugins = findAll(objects, 'WasmPlugin', FACTS.gatewayNamespace);
      const consumers = new Set(plugins.flatMap((p) => p.spec.defaultConfig?.consumers ?? []).map((c: any) => c.name));
      const closed = plugins.flatMap((p) => p.spec.matchRules ?? []).filter((r: any) => r.config.allow?.includes(NO_CALLER));
      expect(closed.length).toBeGreaterThan(0);
      expect(closed.every((r: any) => r.config.allow.length === 1)).toBe(true);
      // Nothing anyone could sign for: no consumer (of any issuer) carries the closed routes' name.
      expect(consumers.has(NO_CALLER)).toBe(false);
      expect([...consumers].some((c) => /nobody/.test(c))).toBe(false);
    });

    test('writes the caller header from the verified token, never from the caller', () => {
      const acme = findOne(objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace);
      const caller = acme.spec.defaultConfig.consumers.find((c: any) => c.name === 'beta/orchestrator');
      // sub must be the caller and aud the platform's, else jwt-auth's claims check refuses the token;
      // the header is then written from sub over any copy (claims_to_headers, override).
      expect(caller.claims).toEqual({ aud: INTERNAL_AUDIENCE, sub: 'beta/orchestrator' });
      expect(caller.claims_to_headers).toEqual([{ claim: 'sub', header: CALLER_HEADER, override: true }]);
    });
  });

  test('never leaves a route to an empty allow list, which jwt-auth would reject and so leave open', () => {
    const rules = findAll(objects, 'WasmPlugin', FACTS.gatewayNamespace).flatMap((p) => p.spec.matchRules);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r: any) => !(r.config.allow.length > 0))).toEqual([]);
  });

  describe('skill references', () => {
    test('go through the gateway only: the caller reaches the gateway, never the callee pods, and no callee admits caller pods', () => {
      const egress = findOne(objects, 'NetworkPolicy', 'orchestrator-egress', 'beta').spec;
      expect(egress.podSelector.matchLabels).toEqual({ [LABEL.tenant]: 'beta', [LABEL.agent]: 'orchestrator', [LABEL.track]: 'stable' });
      expect(egress.egress[0]).toEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': FACTS.gatewayNamespace } }, podSelector: { matchLabels: FACTS.gatewayPodLabels } }],
        ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }],
      });
      const toAgents = findAll(objects, 'NetworkPolicy').flatMap((n) => n.spec.egress ?? []).filter((r: any) => (r.to ?? []).some((p: any) => p.podSelector?.matchLabels?.[LABEL.agent]));
      expect(toAgents).toEqual([]);
      expect(findAll(objects, 'NetworkPolicy').filter((n) => n.metadata.name.endsWith('-a2a-ingress'))).toEqual([]);
    });

    test('are recorded on the workload for reviews', () => {
      expect(findOne(objects, 'Deployment', 'orchestrator', 'beta').metadata.annotations[ANNOTATION.calls]).toBe('acme/research#web,beta/billing#refund');
    });

    test('no tenant chart writes into another tenant namespace', () => {
      const acmeChart = ex.charts[0].toJson();
      const namespaces = new Set(acmeChart.map((o: any) => o.metadata.namespace ?? o.metadata.name));
      expect([...namespaces].sort()).toEqual(['acme', FACTS.gatewayNamespace]);
    });
  });

  describe('AgentCard', () => {
    test('is A2A 1.0 data: one JSON-RPC interface per served version at the internal A2A route, the internal JWT; its 0.3 projection has everything Nacos 3.1 requires', () => {
      const url = 'https://agents.example.com/api/v1/internal/a2a/acme/research';
      const common = {
        name: 'research',
        description: 'Researches topics on the web and in GitHub',
        version: '2.1.0',
        defaultInputModes: ['text/plain', 'application/json'],
        defaultOutputModes: ['text/plain', 'application/json'],
        skills: [
          { id: 'web', name: 'Web research', description: 'Researches a question on the web', tags: ['research', 'web'], examples: ['What is A2A?'] },
          { id: 'summarize', name: 'Summarize', description: 'Summarizes documents', tags: ['summarization'] },
        ],
      };
      // research is declarative: kagent serves A2A 0.3 only, so the card offers 0.3 only.
      expect(ex.research.card).toEqual({
        ...common,
        supportedInterfaces: [{ url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' }],
        capabilities: { streaming: true, pushNotifications: false },
        securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'bearer', bearerFormat: 'JWT', description: 'JWT issued by the platform identity provider' } } },
        securityRequirements: [{ schemes: { bearer: { list: [] } } }],
      });
      expect(legacyCardOf(ex.research.card)).toEqual({
        ...common,
        protocolVersion: '0.3.0',
        url,
        preferredTransport: 'JSONRPC',
        capabilities: { streaming: true, pushNotifications: false },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'JWT issued by the platform identity provider' } },
        security: [{ bearer: [] }],
      });
      // A BYO agent on the SDK serves both: 1.0 first (preferred), then 0.3 at the same URL.
      expect(ex.orchestrator.card.supportedInterfaces.map((i) => i.protocolVersion)).toEqual(['1.0', '0.3']);
      expect(validateAgentCard(ex.orchestrator.card)).toEqual([]);
    });

    test('is emitted as a ConfigMap the runtime reads, marked latest, in the tenant Nacos namespace', () => {
      const cm = findOne(objects, 'ConfigMap', 'research-agent-card', 'acme');
      expect(cm.metadata.labels[LABEL.role]).toBe('agent-card');
      expect(cm.metadata.annotations).toEqual({ [ANNOTATION.nacosNamespace]: 'acme', [ANNOTATION.setAsLatest]: 'true' });
      expect(JSON.parse(cm.data[AGENT_CARD_KEY])).toEqual(ex.research.card);
      expect(cm.data[AGENT_CARD_KEY]).toContain('\n  "supportedInterfaces"');
    });
  });

  test('a single agent without calls, pools or egress emits no egress or A2A ingress policy', () => {
    const { chart, tenant } = tenantChart({ name: 'solo' });
    tenant.addAgent(byoAgent('lonely'));
    const out = chart.toJson();
    expect(validateAll(out)).toEqual([]);
    expect(findAll(out, 'NetworkPolicy', 'solo').map((n) => n.metadata.name)).toEqual(['default-deny', 'allow-dns', 'allow-gateway-ingress', 'allow-registry-egress', 'allow-prometheus-scrape']);
  });
});
