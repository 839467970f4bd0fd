import { Testing } from 'cdk8s';
import { AgentRuntimePlatform, AgentRuntimePlatformProps } from '../../constructs/agent-runtime-platform';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { CALLER_HEADER, GATEWAY_OWNED_HEADERS, INTERNAL_AUDIENCE } from '../../constructs/contracts';
import { PLATFORM_PROPS } from '../support/fixtures';
import { PUBLISHED_EXAMPLE_PUBLIC_KEYS } from '../support/published-example-public-keys';

function synth(props: Partial<AgentRuntimePlatformProps> = {}): any[] {
  const chart = Testing.chart();
  new AgentRuntimePlatform(chart, 'platform', { ...PLATFORM_PROPS, ...props } as AgentRuntimePlatformProps);
  return Testing.synth(chart);
}

const env = (sts: any, name: string) => sts.spec.template.spec.containers[0].env.find((e: any) => e.name === name);

describe('AgentRuntimePlatform', () => {
  test('defaults synthesize valid objects', () => {
    const objects = synth();
    expect(validateAll(objects)).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toMatchSnapshot();
  });

  test('everything on synthesizes valid objects', () => {
    const objects = synth({
      nacos: { replicas: 5, storage: { mode: 'mysql', host: 'mysql.db', database: 'nacos', secretName: 'nacos-mysql' } },
      runtimeClasses: { kata: {} },
      tenantNamespaces: ['acme'],
      gateway: {
        ...PLATFORM_PROPS.gateway,
        redis: { serviceName: 'redis.dns' },
        tierRoutes: { free: ['acme/support-chat'] },
        ipAllow: ['10.0.0.0/8'], ipDeny: ['10.1.2.3'],
        promptProtection: { mode: 'security-guard', serviceName: 'safecheck.dns', serviceHost: 'green.example.com', accessKeyEnv: 'AK', secretKeyEnv: 'SK' },
        tracing: { service: 'otel-collector.observability.svc.cluster.local', sampling: 10 },
        mcpExportDomains: ['mcp.example.com'],
      },
    });
    expect(validateAll(objects)).toEqual([]);
    expect(findOne(objects, 'WasmPlugin', 'rate-limit-free', 'higress-system').spec.matchRules[0].ingress).toEqual(['acme/support-chat']);
    expect(findOne(objects, 'RuntimeClass', 'kata-qemu').overhead.podFixed).toEqual({ cpu: '250m', memory: '320Mi' });
    expect(findOne(objects, 'McpBridge', 'default').spec.registries.map((r: any) => r.nacosNamespaceId)).toEqual(['public', 'acme']);
  });

  test('runs Nacos as a 3-server cluster with peers on stable DNS names', () => {
    const sts = findOne(synth(), 'StatefulSet', 'nacos', 'nacos');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.serviceName).toBe('nacos-headless');
    expect(env(sts, 'MODE').value).toBe('cluster');
    expect(env(sts, 'NACOS_SERVERS').value.split(' ')).toEqual([0, 1, 2].map((i) =>
      `nacos-${i}.nacos-headless.nacos.svc.cluster.local:8848`));
  });

  test('takes the Nacos auth token and identity from a Secret, never as literals', () => {
    const sts = findOne(synth(), 'StatefulSet', 'nacos', 'nacos');
    expect(env(sts, 'NACOS_AUTH_ENABLE').value).toBe('true');
    for (const name of ['NACOS_AUTH_TOKEN', 'NACOS_AUTH_IDENTITY_KEY', 'NACOS_AUTH_IDENTITY_VALUE']) {
      expect(env(sts, name)).toEqual({ name, valueFrom: { secretKeyRef: { name: 'nacos-auth', key: expect.any(String) } } });
    }
  });

  test('stores data on a per-pod volume by default and in MySQL when configured', () => {
    const embedded = findOne(synth(), 'StatefulSet', 'nacos');
    expect(env(embedded, 'EMBEDDED_STORAGE').value).toBe('embedded');
    expect(embedded.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOnce']);
    const mysql = findOne(synth({ nacos: { storage: { mode: 'mysql', host: 'db', database: 'nacos', secretName: 'db-creds' } } }), 'StatefulSet', 'nacos');
    expect(mysql.spec.volumeClaimTemplates).toBeUndefined();
    expect(env(mysql, 'MYSQL_SERVICE_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'db-creds', key: 'password' });
  });

  test('probes the console health paths and keeps quorum with a PDB and anti-affinity', () => {
    const objects = synth();
    const container = findOne(objects, 'StatefulSet', 'nacos').spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v3/console/health/readiness', port: 8080 });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/v3/console/health/liveness', port: 8080 });
    expect(findOne(objects, 'PodDisruptionBudget', 'nacos').spec.minAvailable).toBe(2);
    expect(findOne(objects, 'Service', 'nacos-headless').spec.publishNotReadyAddresses).toBe(true);
    expect(findOne(objects, 'Service', 'nacos').spec.type).toBe('ClusterIP');
    const affinity = findOne(objects, 'StatefulSet', 'nacos').spec.template.spec.affinity.podAntiAffinity;
    expect(affinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
  });

  test('points the default McpBridge at the Nacos client Service with groups and an auth Secret', () => {
    const bridge = findOne(synth(), 'McpBridge', 'default', 'higress-system');
    expect(bridge.spec.registries[0]).toMatchObject({
      type: 'nacos3', domain: 'nacos.nacos.svc.cluster.local', port: 8848,
      nacosGroups: ['DEFAULT_GROUP'], authSecretName: 'higress-nacos-auth',
    });
  });

  test('configures JWT issuers, WAF, prompt masking and AI statistics as WasmPlugins in higress-system', () => {
    const plugins = findAll(synth(), 'WasmPlugin');
    expect(plugins.every((p) => p.metadata.namespace === 'higress-system')).toBe(true);
    expect(plugins.map((p) => p.metadata.name).sort()).toEqual(['ai-data-masking', 'ai-statistics', 'jwt-auth', 'strip-gateway-headers', 'waf']);
    const jwt = plugins.find((p) => p.metadata.name === 'jwt-auth');
    expect(jwt.spec.defaultConfig.consumers.map((c: any) => c.issuer)).toEqual(['https://login.example.com/', 'https://a2a.internal.example.com']);
    expect(plugins.find((p) => p.metadata.name === 'waf').spec.defaultConfig.useCRS).toBe(true);
  });

  test('removes callers\' copies of the gateway\'s headers on every route, before jwt-auth adds its own', () => {
    const plugins = findAll(synth(), 'WasmPlugin');
    const strip = plugins.find((p) => p.metadata.name === 'strip-gateway-headers');
    const jwt = plugins.find((p) => p.metadata.name === 'jwt-auth');
    // No matchRules: the default config applies to every route and domain.
    expect(strip.spec.matchRules).toBeUndefined();
    expect(strip.spec.url).toMatch(/\/transformer:/);
    // Same phase, higher priority: Higress runs it first (AUTHN, 410 > 340).
    expect(strip.spec.phase).toBe(jwt.spec.phase);
    expect(strip.spec.priority).toBeGreaterThan(jwt.spec.priority);
    const removed = strip.spec.defaultConfig.reqRules.flatMap((r: any) => (r.operate === 'remove' ? r.headers.map((h: any) => h.key) : []));
    expect(removed).toEqual(GATEWAY_OWNED_HEADERS.map((h) => h.toLowerCase()));
    expect(removed).toEqual(expect.arrayContaining(['x-mse-consumer', 'x-a2a-route', CALLER_HEADER.toLowerCase()]));
    expect(strip.spec.defaultConfig.reroute).toBe(false);
  });

  test('requires the internal audience of internal tokens, and the public one when set', () => {
    const plugins = findAll(synth({ gateway: { ...PLATFORM_PROPS.gateway, jwt: { ...PLATFORM_PROPS.gateway.jwt, public: { ...PLATFORM_PROPS.gateway.jwt.public, audience: 'agents-web' } } } }), 'WasmPlugin');
    const consumers = plugins.find((p) => p.metadata.name === 'jwt-auth').spec.defaultConfig.consumers;
    expect(consumers.map((c: any) => c.claims)).toEqual([{ aud: 'agents-web' }, { aud: INTERNAL_AUDIENCE }]);
  });

  test('refuses a JWKS with a published example key or private key material, naming the key', () => {
    const rsa = PUBLISHED_EXAMPLE_PUBLIC_KEYS.find((k) => k.source.startsWith('RFC 7516 A.2'))!.jwk;
    const withKey = (jwk: Record<string, unknown>) => ({ gateway: { ...PLATFORM_PROPS.gateway, jwt: { ...PLATFORM_PROPS.gateway.jwt, internal: { issuer: 'https://a2a.internal.example.com', jwks: JSON.stringify({ keys: [jwk] }) } } } });
    expect(() => synth(withKey({ ...rsa, kid: 'dev-1', alg: 'RS256' }))).toThrow(/gateway\.jwt\.internal\.jwks: key "dev-1" is the example key of RFC 7516 A\.2/);
    expect(() => synth(withKey({ kty: 'oct', kid: 'k', k: 'c2VjcmV0' }))).toThrow(/secret key material/);
  });

  test('creates the gvisor RuntimeClass with the runsc handler', () => {
    expect(findOne(synth(), 'RuntimeClass', 'gvisor').handler).toBe('runsc');
  });

  test('isolates the platform namespaces by default', () => {
    const objects = synth();
    for (const ns of ['nacos', 'agent-runtime']) {
      expect(findOne(objects, 'NetworkPolicy', 'default-deny', ns).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });

  test('exposes tracing as Higress Helm values with the port as a string', () => {
    const chart = Testing.chart();
    const platform = new AgentRuntimePlatform(chart, 'p', {
      ...PLATFORM_PROPS, gateway: { ...PLATFORM_PROPS.gateway, tracing: { service: 'otel.obs', sampling: 25 } },
    } as AgentRuntimePlatformProps);
    expect((platform.higress.helmValues as any)['higress-core'].tracing).toEqual({
      enable: true, sampling: 25, timeout: 500, opentelemetry: { service: 'otel.obs', port: '4317' },
    });
  });

  test.each([
    [{ nacos: { replicas: 2 } }, 'nacos.replicas: 2 is not allowed; use an odd number'],
    [{ nacos: { image: 'nacos/nacos-server:latest' } }, 'nacos.image: "nacos/nacos-server:latest" is not pinned; use an explicit version tag or digest, e.g. "nacos/nacos-server:1.2.3"'],
    [{ nacos: { image: 'nacos/nacos-server:v2.4.3' } }, 'nacos.image: "nacos/nacos-server:v2.4.3" is not a Nacos 3.1 server image'],
    [{ gatewayHost: 'https://agents.example.com' }, 'gatewayHost: "https://agents.example.com" is not a fully qualified host name'],
    [{ podSecurityVersion: 'latest' }, 'podSecurityVersion: "latest" is not a pinned Kubernetes minor version'],
    [{ gateway: { ...PLATFORM_PROPS.gateway, rateLimitTiers: { free: { requestsPerMinute: -5 } } } }, 'gateway.rateLimitTiers.free.requestsPerMinute: -5 is not allowed'],
    [{ gateway: { ...PLATFORM_PROPS.gateway, registryGroups: [] } }, 'gateway.registry.groups: [] would make Higress discover nothing'],
    [{ gateway: { ...PLATFORM_PROPS.gateway, tracing: { service: 'otel', sampling: 140 } } }, 'gateway.tracing.sampling: 140 is outside 0-100'],
    [{ runtimeClasses: { kata: { handler: 'runc' } } }, 'runtimeClasses.kata.handler: "runc" is not a Kata handler'],
  ])('fails on bad props %#', (props, message) => {
    expect(() => synth(props as any)).toThrow(message);
  });
});

describe('a single-server Nacos (dev)', () => {
  test('gets no PodDisruptionBudget, which could only block node drains', () => {
    expect(findAll(synth({ nacos: { replicas: 1 } }), 'PodDisruptionBudget', 'nacos')).toEqual([]);
  });
});
