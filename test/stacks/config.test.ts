import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadStackConfig, readPlatformConfig } from '../../stacks/config';
import { synthesizePlatform } from '../../stacks/charts';

const ROOT = path.resolve(__dirname, '..', '..');
const devValues = (): Record<string, any> => {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.dev.yaml'), 'utf8')) as any;
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^agent-runtime:/, ''), v]));
};

/** Applies `mutate` to a copy of the dev configuration and synthesizes it. */
function synthWith(mutate: (c: Record<string, any>) => void) {
  const values = structuredClone(devValues());
  mutate(values);
  return synthesizePlatform(readPlatformConfig('dev', values));
}

describe('stack configuration', () => {
  test.each(['dev', 'staging', 'prod'])('the %s configuration is valid', (env) => {
    expect(() => loadStackConfig(env, ROOT)).not.toThrow();
  });

  test('prod runs 3 Nacos servers that must keep anti-affinity, protected', () => {
    const config = loadStackConfig('prod', ROOT);
    expect(config.platform.nacos?.replicas).toBe(3);
    expect(config.platform.nacos?.antiAffinity).toBe('required');
    expect(config.protectRegistry).toBe(true);
  });

  test('names a missing stack and lists the known ones', () => {
    expect(() => loadStackConfig('qa', ROOT)).toThrow(/no configuration for stack "qa".*known stacks: dev, prod, staging/);
  });

  test('refuses YAML that does not parse, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'Pulumi.broken.yaml'), 'config:\n  agent-runtime:nacos: [unclosed\n');
    expect(() => loadStackConfig('broken', dir)).toThrow(/Pulumi\.broken\.yaml: not valid YAML/);
  });

  test.each<[string, (c: Record<string, any>) => void, string | RegExp]>([
    ['an even number of Nacos servers', (c) => { c.nacos.replicas = 2; },
      'agent-runtime:nacos.replicas: 2 is not allowed; use an odd number'],
    ['a tier with a negative limit', (c) => { c.gateway.rateLimitTiers.free.requestsPerMinute = -10; },
      'agent-runtime:gateway.rateLimitTiers.free.requestsPerMinute: -10 is not allowed; use a positive integer'],
    ['a misspelt key', (c) => { c.nacos.replcas = 3; },
      'agent-runtime:nacos.replcas is not a known key; did you mean "replicas"?'],
    ['a misspelt top-level key', (c) => { c.gatewayHots = c.gatewayHost; },
      'agent-runtime:gatewayHots is not a known key; did you mean "gatewayHost"?'],
    ['a gateway host with a scheme', (c) => { c.gatewayHost = 'https://agents.example.com'; },
      'agent-runtime:gatewayHost: "https://agents.example.com" is not a fully qualified host name'],
    ['a JWT issuer that is not a mapping', (c) => { c.gateway.jwt.public = 'https://login.example.com/'; },
      'agent-runtime:gateway.jwt.public: "https://login.example.com/" is not allowed; use a mapping'],
    ['tracing sampling above 100', (c) => { c.gateway.tracing.sampling = 140; },
      'agent-runtime:gateway.tracing.sampling: 140 is outside 0-100'],
    ['an unknown storage mode', (c) => { c.nacos.storage = { mode: 'postgres' }; },
      /agent-runtime:nacos\.storage\.mode: "postgres" is not allowed; use one of "embedded", "mysql"/],
    ['MySQL without its Secret', (c) => { c.nacos.storage = { mode: 'mysql', host: 'db', database: 'nacos' }; },
      'agent-runtime:nacos.storage.secretName is required'],
    ['an unpinned Pod Security version', (c) => { c.podSecurityVersion = 'latest'; },
      'agent-runtime:podSecurityVersion: "latest" is not a pinned Kubernetes minor version'],
    ['a quota that is not a quantity', (c) => { c.tenants[0].quota.requestsCpu = 'lots'; },
      'agent-runtime:tenants[0].quota.requestsCpu: "lots" is not valid; use a Kubernetes quantity'],
    ['a tenant declared twice', (c) => { c.tenants[1].name = c.tenants[0].name; },
      'agent-runtime:tenants[1].name: tenant "acme" is declared twice'],
    ['an alert ratio above 1', (c) => { c.monitoring = { alerts: { a2aFailureRatio: 5 } }; },
      /agent-runtime:monitoring\.alerts\.a2aFailureRatio.*5/],
    ['token limits without Redis', (c) => { c.tokenLimits = { free: { tokensPerMinute: 1000 } }; },
      /agent-runtime:gateway\.redis.*Redis/],
    ['token limits for an unknown tier', (c) => { c.tokenLimits = { gold: { tokensPerMinute: 1000 } }; },
      'agent-runtime:tokenLimits.gold: no such rate-limit tier'],
    ['a Nacos image of another line', (c) => { c.nacos.image = 'nacos/nacos-server:v2.4.3'; },
      'agent-runtime:nacos.image: "nacos/nacos-server:v2.4.3" is not a Nacos 3.1 server image'],
    ['a sandbox pool that does not exist', (c) => { c.tenants[0].agents[1].sandboxPool = 'gpu-runner'; },
      'agent-runtime:tenants[0].agents[1].sandboxPool: "gpu-runner" is not a sandbox pool of tenant "acme" (pools: code-runner)'],
    ['a construct error inside an agent', (c) => { c.tenants[0].agents[1].scaling.maxReplicas = 1; },
      'agent-runtime:tenants[0].agents[1].scaling.maxReplicas: 1 is below minReplicas 2 (or 1); use at least 2'],
    ['a policy profile that does not exist', (c) => { c.policyProfile = 'production'; },
      'agent-runtime:policyProfile: "production" is not allowed; use one of "dev", "staging", "prod"'],
  ])('fails on %s', (_name, mutate, message) => {
    expect(() => synthWith(mutate)).toThrow(message);
  });

});

describe('nothing in the configuration is silently ignored', () => {
  const support = (c: Record<string, any>) => c.tenants[0].agents[0];
  const orchestrator = (c: Record<string, any>) => c.tenants[0].agents[1];
  test.each<[string, (c: Record<string, any>) => void, string]>([
    ['a misspelt model key (apiKeySecretkey)', (c) => { support(c).declarative.model.apiKeySecretkey = 'api-key'; },
      'agent-runtime:tenants[0].agents[0].declarative.model.apiKeySecretkey is not a known key; did you mean "apiKeySecret"?'],
    ['a misspelt temperature (temprature)', (c) => { support(c).declarative.model.temprature = 0.3; },
      'agent-runtime:tenants[0].agents[0].declarative.model.temprature is not a known key; did you mean "temperature"?'],
    ['MCP auth headers under a wrong key (authHeaderSecrets)', (c) => {
      const server = support(c).declarative.mcpServers[0];
      server.authHeaderSecrets = server.headersFromSecret;
      delete server.headersFromSecret;
    }, 'agent-runtime:tenants[0].agents[0].declarative.mcpServers[0].authHeaderSecrets is not a known key'],
    ['a bring-your-own port of 0', (c) => { orchestrator(c).byo.port = 0; },
      'agent-runtime:tenants[0].agents[1].byo.port: 0 is not allowed; use a whole number from 1 to 65535'],
    ['a bring-your-own port above 65535', (c) => { orchestrator(c).byo.port = 70000; },
      'agent-runtime:tenants[0].agents[1].byo.port: 70000 is not allowed; use a whole number from 1 to 65535'],
    ['a bring-your-own port that is a fraction', (c) => { orchestrator(c).byo.port = 80.5; },
      'agent-runtime:tenants[0].agents[1].byo.port: 80.5 is not allowed; use a whole number'],
    ['a bring-your-own port equal to the metrics port', (c) => { orchestrator(c).byo.port = 9090; },
      'agent-runtime:tenants[0].agents[1].byo.port: 9090 is the agent\'s metrics port (metrics.port, default 9090); serve A2A on another port, e.g. 8080, or move metrics.port'],
    ['a port on a declarative agent (kagent owns it)', (c) => { support(c).declarative.port = 3000; },
      'agent-runtime:tenants[0].agents[0].declarative.port: 3000 is not allowed; kagent runs declarative agents and owns their port (8080); remove it, or run your own image as a byo agent and set byo.port'],
    ['a port next to the agent props', (c) => { orchestrator(c).port = 3000; },
      'agent-runtime:tenants[0].agents[1].port is not a known key'],
    ['public on an agent', (c) => { orchestrator(c).public = true; },
      'agent-runtime:tenants[0].agents[1].public is not a known key'],
    ['an image on a declarative agent', (c) => { support(c).declarative.image = 'ghcr.io/acme/support:1.0.0'; },
      'agent-runtime:tenants[0].agents[0].declarative.image is not a known key'],
    ['a canary whose stable version differs from the agent', (c) => { c.tenants[1].canaries[0].stable = { version: '2.0.0' }; },
      'agent-runtime:tenants[1].canaries[0].stable.version: "2.0.0" differs from the agent\'s version "2.1.0" (agent-runtime:tenants[1].agents[0].version); the stable version is the agent\'s version, so remove stable.version or make them equal'],
    ['an IPv4 CIDR with an octet above 255', (c) => { support(c).egress[0].except[0] = '300.1.2.3/16'; },
      'agent-runtime:tenants[0].agents[0].egress[0].except[0]: "300.1.2.3/16" is not valid; use a CIDR such as 10.0.0.0/8'],
    ['a CIDR with trailing text', (c) => { c.gateway.ipDeny = ['203.0.113.0/24x']; },
      'agent-runtime:gateway.ipDeny[0]: "203.0.113.0/24x" is not valid; use a CIDR such as 10.0.0.0/8'],
    ['an image that is not a reference', (c) => { orchestrator(c).byo.image = 'ghcr.io/Acme/Orchestrator 1.4'; },
      'agent-runtime:tenants[0].agents[1].byo.image: "ghcr.io/Acme/Orchestrator 1.4" is not valid; use an image reference such as ghcr.io/acme/agent:1.0.0'],
    ['an agent that is neither declarative nor byo', (c) => { delete orchestrator(c).byo; },
      'agent-runtime:tenants[0].agents[1] set exactly one of "declarative" (kagent) and "byo" (your image); got neither'],
  ])('fails on %s', (_name, mutate, message) => {
    expect(() => synthWith(mutate)).toThrow(message);
  });
  test('a bring-your-own port is honoured: container port a2a and the gateway NetworkPolicy (the Service stays on 8080)', () => {
    const objects = synthWith((c) => { orchestrator(c).byo.port = 3000; }).charts.flatMap((ch) => ch.objects);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === 'acme');
    expect(find('Deployment', 'orchestrator').spec.template.spec.containers[0].ports).toContainEqual({ name: 'a2a', containerPort: 3000, protocol: 'TCP' });
    expect(find('Service', 'orchestrator').spec.ports).toEqual([{ name: 'a2a', port: 8080, targetPort: 'a2a', protocol: 'TCP' }]);
    expect(find('NetworkPolicy', 'allow-gateway-ingress').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3000 }, { protocol: 'TCP', port: 8080 }]);
  });

  test('every problem is reported at once', () => {
    expect(() => synthWith((c) => { c.nacos.replcas = 3; support(c).declarative.model.temprature = 1; }))
      .toThrow(/nacos\.replcas[\s\S]*declarative\.model\.temprature/);
  });

  test('the accepted optional keys change the output (the canary image, the model key, the MCP header)', () => {
    const objects = synthesizePlatform(loadStackConfig('dev', ROOT)).charts.flatMap((c) => c.objects);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    expect(find('Deployment', 'researcher-canary').spec.template.spec.containers[0].image).toBe('ghcr.io/globex/researcher:2.2.0');
    expect(find('Deployment', 'researcher').spec.template.spec.containers[0].image).toBe('ghcr.io/globex/researcher:2.1.0');
    expect(JSON.stringify(find('ModelConfig', 'support-model') ?? objects.find((o) => o.kind === 'ModelConfig'))).toContain('"apiKeySecretKey":"api-key"');
    expect(JSON.stringify(objects.find((o) => o.kind === 'RemoteMCPServer'))).toContain('Authorization');
  });
});

describe('protected environments (staging, prod)', () => {
  test('name the API server: no "any private address" default', () => {
    expect(() => readPlatformConfig('prod', devValues())).toThrow('agent-runtime:kubernetesApi is required with policy profile "prod"');
  });

  test('run images pinned by digest only, naming the key that sets each (a default included)', () => {
    const staging = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.staging.yaml'), 'utf8')) as any;
    const values: Record<string, any> = { ...devValues(), kubernetesApi: { cidrs: ['10.0.0.10/32'], port: 6443 } };
    values.gateway.jwt = staging.config['agent-runtime:gateway'].jwt;
    expect(() => synthesizePlatform(readPlatformConfig('prod', values))).toThrow('agent-runtime:nacos.image: "nacos/nacos-server:v3.1.2" has no digest');
    const prod = loadStackConfig('prod', ROOT);
    const tagged = structuredClone(prod.tenants) as any[];
    tagged[0].agents[1].byo.image = 'ghcr.io/acme/orchestrator:1.4.0';
    expect(() => synthesizePlatform({ ...prod, tenants: tagged })).toThrow('agent-runtime:tenants[0].agents[1].byo.image: "ghcr.io/acme/orchestrator:1.4.0" has no digest');
  });

  test('every image of the staging and prod output carries a digest', () => {
    for (const env of ['staging', 'prod']) {
      const images = synthesizePlatform(loadStackConfig(env, ROOT)).charts.flatMap((c) => c.objects)
        .flatMap((o) => JSON.stringify(o).match(/"image":"[^"]+"/g) ?? []);
      expect(images.length).toBeGreaterThan(3);
      for (const i of images) expect([env, i]).toEqual([env, expect.stringMatching(/@sha256:[0-9a-f]{64}"$/)]);
    }
  });
});

describe('"internet" egress', () => {
  const egressOf = (objects: any[], name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name).spec.egress;
  test('excepts the IANA special-purpose ranges (CGNAT, link-local metadata, ...) from 0.0.0.0/0', () => {
    const objects = synthesizePlatform(loadStackConfig('prod', ROOT)).charts.flatMap((c) => c.objects);
    const rule = egressOf(objects, 'support-egress').find((r: any) => r.to?.[0]?.ipBlock?.cidr === '0.0.0.0/0');
    expect(rule.to[0].ipBlock.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8', '198.18.0.0/15', '240.0.0.0/4']));
  });

  test('is configurable: internetEgressExcept replaces the list', () => {
    const objects = synthWith((c) => { c.internetEgressExcept = ['100.64.0.0/10']; }).charts.flatMap((ch) => ch.objects);
    const rule = egressOf(objects, 'support-egress').find((r: any) => r.to?.[0]?.ipBlock?.cidr === '0.0.0.0/0');
    expect(rule.to[0].ipBlock.except).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']);
  });

  test('a destination inside a special range written as such is kept (10.1.2.0/24 is no "internet")', () => {
    const objects = synthWith((c) => { c.tenants[0].agents[0].egress = [{ cidr: '10.1.2.0/24', ports: [443] }]; }).charts.flatMap((ch) => ch.objects);
    expect(egressOf(objects, 'support-egress')).toContainEqual(expect.objectContaining({ to: [{ ipBlock: { cidr: '10.1.2.0/24' } }] }));
  });
});

describe('policy profile', () => {
  test('a stack named after a profile uses it; any other name gets prod unless policyProfile says otherwise', () => {
    // staging and prod need real issuers' JWKS and audience (the dev file has none: throwaway keys) and name the API server.
    const staging = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.staging.yaml'), 'utf8')) as any;
    const issued = () => { const v = devValues(); v.gateway.jwt = staging.config['agent-runtime:gateway'].jwt; v.kubernetesApi = { cidrs: ['10.0.0.10/32'], port: 6443 }; return v; };
    expect(readPlatformConfig('staging', issued()).policyProfile).toBe('staging');
    expect(readPlatformConfig('qa', issued()).policyProfile).toBe('prod');
    expect(readPlatformConfig('qa', { ...devValues(), policyProfile: 'dev' }).policyProfile).toBe('dev');
  });
});

describe('skill resilience and traces from configuration', () => {
  const staging = () => loadStackConfig('staging', ROOT);
  const findObject = (objects: any[], kind: string, name: string, namespace: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);

  test('reads timeout, retries, fallback and cache of a skill and turns them into gateway objects', () => {
    const out = synthesizePlatform(staging());
    const globex = out.charts.find((c) => c.name === 'tenant-globex')!.objects;
    const web = findObject(globex, 'Ingress', 'researcher-canary-a2a-web-search', 'globex').metadata.annotations;
    expect(web).toMatchObject({
      'higress.io/timeout': '30', 'higress.io/proxy-next-upstream-tries': '2', 'higress.io/proxy-next-upstream': 'error,timeout,http_503,non_idempotent',
      'higress.io/default-backend': 'researcher', 'higress.io/custom-http-errors': '502,503,504',
    });
    // Cached skills are answered by the agent SDK (the caller's id and A2A version), on both tracks; no gateway ai-cache.
    expect(globex.filter((o) => o.kind === 'WasmPlugin' && /ai-cache/.test(JSON.stringify(o.spec)))).toEqual([]);
    for (const name of ['researcher', 'researcher-canary']) {
      expect(findObject(globex, 'Deployment', name, 'globex').spec.template.spec.containers[0].env).toContainEqual({ name: 'A2A_SKILL_CACHE', value: '{"summarize":600}' });
    }
  });

  test('agents get the OTEL environment of the configured collector and sampling', () => {
    const out = synthesizePlatform(staging());
    const acme = out.charts.find((c) => c.name === 'tenant-acme')!.objects;
    const env = findObject(acme, 'Deployment', 'orchestrator', 'acme').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.observability.svc.cluster.local:4317' });
    expect(env).toContainEqual({ name: 'OTEL_TRACES_SAMPLER_ARG', value: '0.2' });
  });

  test('reads call objects with a pinned version and client settings', () => {
    const out = synthWith((c) => {
      c.tenants[0].agents[1].calls = [{ tenant: 'globex', agent: 'researcher', skill: 'web-search', version: '2.2.0', fallbackVersion: '2.1.0', timeoutSeconds: 10, retries: 1 }];
    });
    const acme = out.charts.find((c) => c.name === 'tenant-acme')!.objects;
    const env = findObject(acme, 'Deployment', 'orchestrator', 'acme').spec.template.spec.containers[0].env;
    expect(JSON.parse(env.find((e: any) => e.name === 'A2A_CALLS').value)[0]).toMatchObject({ headers: { 'X-A2A-Skill-Version': '2.2.0' }, fallbackHeaders: { 'X-A2A-Skill-Version': '2.1.0' }, timeoutSeconds: 10, retries: 1 });
  });

  test.each<[string, (c: Record<string, any>) => void, string | RegExp]>([
    ['retries above maxRetries', (c) => { c.maxRetries = 1; }, 'agent-runtime:tenants[1].agents[0].skills[0].retries: 2 is above the maximum of 1'],
    ['a cache of a declarative agent', (c) => { c.tenants[0].agents[0].skills[0] = { ...c.tenants[0].agents[0].skills[0], deterministic: true, cacheTtlSeconds: 60 }; }, 'agent-runtime:tenants[0].agents[0].skills[0].cacheTtlSeconds: 60 caches a declarative (kagent) agent\'s skill'],
    ['a circuit breaker without gateway.istioApi', (c) => { c.tenants[1].agents[0].skills[1].circuitBreaker = { consecutiveErrors: 3 }; }, /circuitBreaker needs Higress' Istio API/],
    ['a pinned version that is not deployed', (c) => { c.tenants[0].agents[1].calls = ['globex/researcher#web-search@9.9.9']; }, 'agent-runtime:tenants[0].agents[1].calls[0]: "globex/researcher#web-search@9.9.9" pins version "9.9.9" of "globex/researcher", which is not deployed; its versions are "2.1.0" (stable), "2.2.0" (canary)'],
  ])('fails on %s', (_name, mutate, message) => {
    expect(() => synthWith(mutate)).toThrow(message);
  });

  test('a circuit breaker with gateway.istioApi emits a DestinationRule', () => {
    const out = synthWith((c) => { c.gateway.istioApi = true; c.tenants[1].agents[0].skills[1].circuitBreaker = { consecutiveErrors: 3 }; });
    const globex = out.charts.find((c) => c.name === 'tenant-globex')!.objects;
    expect(findObject(globex, 'DestinationRule', 'researcher-circuit-breaker', 'globex').spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(3);
  });
});
