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

  test('prod runs 3 Nacos servers that must keep anti-affinity', () => {
    const config = loadStackConfig('prod', ROOT);
    expect(config.platform.nacos?.replicas).toBe(3);
    expect(config.platform.nacos?.antiAffinity).toBe('required');
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
    ['one Nacos server with high availability', (c) => { c.nacos.highAvailability = true; c.nacos.replicas = 1; },
      'agent-runtime:nacos.replicas: 1 is not allowed; use an integer >= 3 (highAvailability needs 3 or more servers'],
    ['a tier with a negative limit', (c) => { c.gateway.tiers.free.requestsPerMinute = -10; },
      'agent-runtime:gateway.tiers.free.requestsPerMinute: -10 is not allowed; use an integer >= 1'],
    ['a misspelt key', (c) => { c.nacos.replcas = 3; },
      'agent-runtime:nacos.replcas is not a known key; did you mean "replicas"?'],
    ['a gateway host with a scheme', (c) => { c.gateway.host = 'https://agents.example.com'; },
      'agent-runtime:gateway.host: "https://agents.example.com" is not valid; use the public host name'],
    ['a JWKS that is not JSON', (c) => { c.gateway.jwt.public.jwks = 'not-json'; },
      /agent-runtime:gateway\.jwt\.public\.jwks: not a JWKS document/],
    ['an http issuer', (c) => { c.gateway.jwt.internal.issuer = 'http://a2a.internal'; },
      'agent-runtime:gateway.jwt.internal.issuer: "http://a2a.internal" is not valid; use the https:// issuer URL'],
    ['tracing sampling above 100', (c) => { c.gateway.tracing.sampling = 140; },
      'agent-runtime:gateway.tracing.sampling: 140 is not allowed; use a number >= 0 and <= 100'],
    ['an unknown storage mode', (c) => { c.nacos.storage = { mode: 'postgres' }; },
      'agent-runtime:nacos.storage.mode: "postgres" is not allowed; use one of embedded, mysql'],
    ['MySQL without its Secret', (c) => { c.nacos.storage = { mode: 'mysql', host: 'db', database: 'nacos' }; },
      'agent-runtime:nacos.storage.secretName is required; name the Secret with keys username and password'],
    ['an unpinned Pod Security version', (c) => { c.podSecurityVersion = 'latest'; },
      'agent-runtime:podSecurityVersion: "latest" is not valid; pin a Kubernetes minor version'],
    ['a quota that is not a quantity', (c) => { c.tenants[0].quota.requestsCpu = 'lots'; },
      'agent-runtime:tenants[0].quota.requestsCpu: "lots" is not valid; a Kubernetes quantity'],
    ['a tenant declared twice', (c) => { c.tenants[1].name = c.tenants[0].name; },
      'agent-runtime:tenants[1].name: tenant "acme" is declared twice'],
    ['an agent without a version', (c) => { delete c.tenants[0].agents[0].version; },
      'agent-runtime:tenants[0].agents[0].version is required; the AgentCard version'],
    ['a threshold ratio above 1', (c) => { c.monitoring.thresholds = { a2aFailureRatio: 5 }; },
      'agent-runtime:monitoring.thresholds.a2aFailureRatio: 5 is not allowed; use a number >= 0 and <= 1'],
    ['token limits without Redis', (c) => { c.gateway.tokenLimits = { free: { tokensPerMinute: 1000 } }; },
      /Redis/],
    ['token limits for an unknown tier', (c) => { c.gateway.tokenLimits = { gold: { tokensPerMinute: 1000 } }; },
      'agent-runtime:gateway.tokenLimits.gold: no such tier'],
    ['a Nacos image of another line', (c) => { c.nacos.image = 'nacos/nacos-server:v2.4.3'; },
      'nacos.image: "nacos/nacos-server:v2.4.3" is not a Nacos 3.1 server image'],
  ])('fails on %s', (_name, mutate, message) => {
    expect(() => synthWith(mutate)).toThrow(message);
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
      'higress.io/timeout': '30', 'higress.io/proxy-next-upstream-tries': '2', 'higress.io/proxy-next-upstream': 'error,timeout,http_503',
      'higress.io/default-backend': 'researcher', 'higress.io/custom-http-errors': '502,503,504',
    });
    const cache = findObject(globex, 'WasmPlugin', 'ai-cache-globex-researcher', 'higress-system');
    expect(cache.spec.matchRules[0].config.cache).toMatchObject({ serviceName: 'redis.dns', cacheTTL: 600 });
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
      c.tenants[0].agents[1].calls = [{ ref: 'globex/researcher#web-search', version: '2.2.0', fallbackVersion: '2.1.0', timeoutSeconds: 10, retries: 1 }];
    });
    const acme = out.charts.find((c) => c.name === 'tenant-acme')!.objects;
    const env = findObject(acme, 'Deployment', 'orchestrator', 'acme').spec.template.spec.containers[0].env;
    expect(JSON.parse(env.find((e: any) => e.name === 'A2A_CALLS').value)[0]).toMatchObject({ headers: { 'X-A2A-Skill-Version': '2.2.0' }, fallbackHeaders: { 'X-A2A-Skill-Version': '2.1.0' }, timeoutSeconds: 10, retries: 1 });
  });

  test.each<[string, (c: Record<string, any>) => void, string | RegExp]>([
    ['retries above monitoring.maxRetries', (c) => { c.monitoring = { ...c.monitoring, maxRetries: 1 }; }, /skill "web-search": retries 2 is above the maximum of 1/],
    ['a cache without gateway.redis (dev has none)', (c) => { c.tenants[1].agents[0].skills[1] = { ...c.tenants[1].agents[0].skills[1], deterministic: true, cacheTtlSeconds: 60 }; }, /cacheTtlSeconds needs Redis, and the platform has none/],
    ['a circuit breaker without gateway.istioApi', (c) => { c.tenants[1].agents[0].skills[1].circuitBreaker = { consecutiveErrors: 3 }; }, /circuitBreaker needs Higress' Istio API/],
    ['a pinned version that is not deployed', (c) => { c.tenants[0].agents[1].calls = ['globex/researcher#web-search@9.9.9']; }, /version "9.9.9" of "globex\/researcher" is not deployed; its versions are "2.1.0" \(stable\), "2.2.0" \(canary\)/],
  ])('fails on %s', (_name, mutate, message) => {
    expect(() => synthWith(mutate)).toThrow(message);
  });

  test('a circuit breaker with gateway.istioApi emits a DestinationRule', () => {
    const out = synthWith((c) => { c.gateway.istioApi = true; c.tenants[1].agents[0].skills[1].circuitBreaker = { consecutiveErrors: 3 }; });
    const globex = out.charts.find((c) => c.name === 'tenant-globex')!.objects;
    expect(findObject(globex, 'DestinationRule', 'researcher-circuit-breaker', 'globex').spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(3);
  });
});
