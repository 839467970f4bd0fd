import Ajv from 'ajv';
import { AgentDirectory } from '../../constructs/agent-directory';
import { PlatformFacts } from '../../constructs/platform-facts';
import { _retryAnnotations, parseSkillCall } from '../../constructs/skill-resilience';
import { LABEL } from '../../constructs/labels';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { byoAgent, FACTS, tenantChart } from './_example';

const FULL: PlatformFacts = { ...FACTS, redis: { serviceName: 'redis.dns', servicePort: 6379 }, istioApi: true };

const skill = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: id, description: `${id} skill`, tags: [id], ...extra });

/**
 * Istio has no CRD in ../shared/crds/, and the npm models (`@kubernetes-models/istio`) ship
 * precompiled ESM validators that jest cannot load here. So DestinationRules are checked against
 * this strict subset of `networking.istio.io/v1` DestinationRule (istio.io/api
 * networking/v1alpha3/destination_rule.proto, served as v1): exactly the fields we emit, with
 * their proto types (Duration as "<n>s", uint32/int32 as integers); anything else is rejected.
 * The emitted rule was also checked once, outside this suite, with `@kubernetes-models/istio`
 * 3.0.1's `DestinationRule.validate()` (valid; a string consecutive5xxErrors was rejected).
 */
const DESTINATION_RULE_SUBSET = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'networking.istio.io/v1' },
    kind: { const: 'DestinationRule' },
    metadata: {
      type: 'object', required: ['name', 'namespace'],
      properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }, namespace: { type: 'string' }, labels: { type: 'object' } },
    },
    spec: {
      type: 'object', additionalProperties: false, required: ['host'],
      properties: {
        host: { type: 'string', minLength: 1 },
        trafficPolicy: {
          type: 'object', additionalProperties: false,
          properties: {
            outlierDetection: {
              type: 'object', additionalProperties: false,
              properties: {
                consecutive5xxErrors: { type: 'integer', minimum: 0 },
                interval: { type: 'string', pattern: '^[0-9]+s$' },
                baseEjectionTime: { type: 'string', pattern: '^[0-9]+s$' },
                maxEjectionPercent: { type: 'integer', minimum: 0, maximum: 100 },
              },
            },
          },
        },
      },
    },
  },
};
const validateDestinationRule = new Ajv({ allErrors: true }).compile(DESTINATION_RULE_SUBSET);

/** Core objects and CRDs through the strict validator; DestinationRules through the subset above. */
function validateEverything(objects: any[]): unknown[] {
  const istio = objects.filter((o) => o.kind === 'DestinationRule');
  const errors: unknown[] = validateAll(objects.filter((o) => o.kind !== 'DestinationRule'));
  for (const o of istio) if (!validateDestinationRule(o)) errors.push({ object: o.metadata.name, errors: validateDestinationRule.errors });
  return errors;
}

function example(facts: PlatformFacts = FULL) {
  const directory = new AgentDirectory();
  const a = tenantChart({ name: 'acme' }, directory, facts);
  a.tenant.addAgent({ ...byoAgent('backup', ['web']), version: '0.9.0' });
  a.tenant.addAgent({
    ...byoAgent('search'),
    visibility: 'platform',
    version: '1.2.0',
    skills: [
      skill('web', { timeoutSeconds: 20, retries: 2, retryOn: ['error', 'timeout', 'http_503'], fallback: 'backup#web', circuitBreaker: { consecutiveErrors: 3 } }),
      skill('lookup', { deterministic: true, cacheTtlSeconds: 300, fallback: { skill: 'backup#web', onStatus: [503] } }),
      skill('fast', { retries: 0 }),
    ],
  });
  a.tenant.addCanaryRelease({
    agent: { name: 'chat', skills: [skill('chat', { fallback: '@1.0.0' })], allowedCallers: ['beta'] },
    stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } },
    canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } },
    traffic: { weight: 10 },
  });
  const b = tenantChart({ name: 'beta' }, directory, facts);
  b.tenant.addAgent({
    ...byoAgent('orchestrator'),
    calls: [
      'acme/search#web',
      'acme/chat#chat@1.1.0',
      { tenant: 'acme', agent: 'search', skill: 'lookup', version: '1.2.0', timeoutSeconds: 5, retries: 1 },
    ],
  });
  return { directory, charts: [a.chart, b.chart], objects: () => [a.chart, b.chart].flatMap((c) => c.toJson()) };
}

describe('skill resilience', () => {
  const objects = example().objects();

  test('every emitted object validates (DestinationRule against the Istio subset)', () => {
    expect(validateEverything(objects)).toEqual([]);
    expect(findAll(objects, 'DestinationRule')).toHaveLength(1);
  });

  describe('timeout and retries', () => {
    test('set the route timeout, tries and retry conditions of the skill route', () => {
      const a = findOne(objects, 'Ingress', 'search-a2a-web', 'acme').metadata.annotations;
      expect(a['higress.io/timeout']).toBe('20');
      expect(a['higress.io/proxy-next-upstream-tries']).toBe('2');
      // A2A calls are POSTs: Envoy retries them only with non_idempotent, added where the skill declares retries.
      expect(a['higress.io/proxy-next-upstream']).toBe('error,timeout,http_503,non_idempotent');
    });

    test('zero retries turn retrying off', () => {
      const a = findOne(objects, 'Ingress', 'search-a2a-fast', 'acme').metadata.annotations;
      expect(a['higress.io/proxy-next-upstream-tries']).toBe('0');
      expect(a['higress.io/proxy-next-upstream']).toBe('off');
    });

    test('skills without settings keep the tenant timeout and are not retried (a POST may not be sent twice unless the skill says so)', () => {
      const a = findOne(objects, 'Ingress', 'backup-a2a-web', 'acme').metadata.annotations;
      expect(a['higress.io/timeout']).toBe('60');
      expect(a['higress.io/proxy-next-upstream-tries']).toBe('0');
      expect(a['higress.io/proxy-next-upstream']).toBe('off');
    });

    test('no route carries non_idempotent unless its skill declares gateway retries', () => {
      for (const i of findAll(objects, 'Ingress')) {
        const on = i.metadata.annotations['higress.io/proxy-next-upstream'] ?? '';
        if (!on.includes('non_idempotent')) continue;
        expect(i.metadata.labels[LABEL.skill]).toBeDefined();
        expect(Number(i.metadata.annotations['higress.io/proxy-next-upstream-tries'])).toBeGreaterThan(0);
      }
      expect(_retryAnnotations({ retryOn: ['http_503'] }, 2)).toEqual({ 'higress.io/proxy-next-upstream-tries': '2', 'higress.io/proxy-next-upstream': 'http_503,non_idempotent' });
      expect(_retryAnnotations({ retries: 2, retryOn: ['off'] }, 2)['higress.io/proxy-next-upstream']).toBe('off');
      expect(_retryAnnotations(undefined, 2)).toEqual({ 'higress.io/proxy-next-upstream-tries': '0', 'higress.io/proxy-next-upstream': 'off' });
    });

    test('fails when a skill retries more often than the configured maximum', () => {
      const { tenant } = tenantChart({ name: 'acme' });
      expect(() => tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { retries: 5 })] }))
        .toThrow('agent acme/tenant/search: skills[0].retries: 5 is above the maximum of 3 (maxRetries of tenant "acme"); lower retries to at most 3 or raise maxRetries');
    });

    test('takes the maximum from the tenant, else from the platform', () => {
      expect(() => tenantChart({ name: 'acme', maxRetries: 5 }).tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { retries: 5 })] })).not.toThrow();
      expect(() => tenantChart({ name: 'acme' }, undefined, { ...FACTS, maxRetries: 1 }).tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { retries: 2 })] }))
        .toThrow(/retries: 2 is above the maximum of 1/);
    });

    test('fails on a retry condition Higress does not know', () => {
      const { tenant } = tenantChart({ name: 'acme' });
      expect(() => tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { retries: 1, retryOn: ['5xx'] })] }))
        .toThrow('agent acme/tenant/search: skills[0].retryOn[0]: "5xx" is not a Higress retry condition; use error, timeout, invalid_header, non_idempotent, off or http_NNN (e.g. http_503)');
    });
  });

  describe('fallback', () => {
    test('sends failed calls to another agent\'s skill of the tenant through default-backend and custom-http-errors', () => {
      const a = findOne(objects, 'Ingress', 'search-a2a-web', 'acme').metadata.annotations;
      expect(a['higress.io/default-backend']).toBe('backup');
      expect(a['higress.io/custom-http-errors']).toBe('502,503,504');
    });

    test('falls back on the given codes', () => {
      const a = findOne(objects, 'Ingress', 'search-a2a-lookup', 'acme').metadata.annotations;
      expect(a['higress.io/default-backend']).toBe('backup');
      expect(a['higress.io/custom-http-errors']).toBe('503');
    });

    test('refuses a fallback to a skill of the same agent, whose Service just failed', () => {
      const { tenant } = tenantChart({ name: 'acme' });
      expect(() => tenant.addAgent({ ...byoAgent('search', ['web', 'lookup']), skills: [skill('web'), skill('lookup', { fallback: 'web' })] }))
        .toThrow('agent acme/tenant/search: skills[1].fallback: "web" is a skill of the same agent, whose Service just answered with the error (the gateway falls back to a Service, not a skill); fall back to another agent\'s skill ("agent#skill") or to a version ("@1.2.0")');
    });

    test('falls back to another version: the canary route to the stable Service, none on the stable route itself', () => {
      expect(findOne(objects, 'Ingress', 'chat-canary-a2a-chat', 'acme').metadata.annotations['higress.io/default-backend']).toBe('chat');
      expect(findOne(objects, 'Ingress', 'chat-a2a-chat', 'acme').metadata.annotations['higress.io/default-backend']).toBeUndefined();
    });

    test('fails on a fallback to a missing skill, listing the skills', () => {
      const { tenant } = tenantChart({ name: 'acme' });
      expect(() => tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { fallback: 'images' })] }))
        .toThrow('agent acme/tenant/search: skills[0].fallback: "images" names skill "images", which does not exist; skills of agent "acme/search" are "web"');
    });

    test('fails at synth on a fallback to a missing skill of another agent', () => {
      const { chart, tenant } = tenantChart({ name: 'acme' });
      tenant.addAgent({ ...byoAgent('backup', ['web']) });
      tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { fallback: 'backup#images' })] });
      expect(() => chart.toJson()).toThrow('skills[0].fallback: "acme/backup#images" does not exist: agent "acme/backup" has no skill "images"; its skills are "web"');
    });

    test('fails on a fallback into another tenant', () => {
      const { tenant } = tenantChart({ name: 'acme' });
      expect(() => tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { fallback: 'beta/billing#refund' })] }))
        .toThrow(/fallback: "beta\/billing#refund" is a skill of tenant "beta"; a fallback stays within tenant "acme"/);
    });

    test('fails on a fallback version that is not deployed, listing the versions', () => {
      const { chart, tenant } = tenantChart({ name: 'acme' });
      tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { fallback: '@0.1.0' })] });
      expect(() => chart.toJson()).toThrow('skills[0].fallback: "@0.1.0" is not deployed; versions of "acme/search" are "1.0.0" (stable)');
    });
  });

  describe('cache', () => {
    test('no gateway plugin answers A2A calls: ai-cache replays a fixed JSON-RPC id, so none is emitted', () => {
      // Higress ai-cache answers a hit with fmt.Sprintf(responseTemplate, cachedValue): the request id is not available (core.go processCacheHit).
      expect(findAll(objects, 'WasmPlugin').filter((p) => /ai-cache/.test(JSON.stringify(p.spec)))).toEqual([]);
      expect(JSON.stringify(objects)).not.toContain('from-cache');
      expect(findAll(objects, 'WasmPlugin').map((p) => p.metadata.name)).not.toContain('ai-cache-acme-search');
    });

    test('the agent SDK gets each cached skill\'s TTL in A2A_SKILL_CACHE (and only cached skills)', () => {
      const env = findOne(objects, 'Deployment', 'search', 'acme').spec.template.spec.containers[0].env;
      expect(env).toContainEqual({ name: 'A2A_SKILL_CACHE', value: JSON.stringify({ lookup: 300 }) });
      const backup = findOne(objects, 'Deployment', 'backup', 'acme').spec.template.spec.containers[0].env;
      expect(backup.map((e: { name: string }) => e.name)).not.toContain('A2A_SKILL_CACHE');
    });

    test('caches without Redis (the cache is in the agent)', () => {
      const { chart, tenant } = tenantChart({ name: 'acme' });
      tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { deterministic: true, cacheTtlSeconds: 60 })] });
      expect(findOne(chart.toJson(), 'Deployment', 'search', 'acme').spec.template.spec.containers[0].env).toContainEqual({ name: 'A2A_SKILL_CACHE', value: '{"web":60}' });
    });

    test('fails on a cache on a non-deterministic skill', () => {
      const { tenant } = tenantChart({ name: 'acme' }, undefined, FULL);
      expect(() => tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { cacheTtlSeconds: 60 })] }))
        .toThrow('agent acme/tenant/search: skills[0].cacheTtlSeconds: 60 caches a non-deterministic skill; a cached answer is only right if the same request always gets the same answer: set deterministic: true, or remove cacheTtlSeconds');
    });

    test('fails on a cache of a declarative agent, which the SDK does not serve', () => {
      const { tenant } = tenantChart({ name: 'acme' }, undefined, FULL);
      expect(() => tenant.addAgent({
        name: 'search', skills: [skill('web', { deterministic: true, cacheTtlSeconds: 60 })],
        declarative: { systemMessage: 'Help.', model: { model: 'gpt-4o', apiKeySecret: { name: 'openai', key: 'key' } } },
      })).toThrow('agent acme/tenant/search: skills[0].cacheTtlSeconds: 60 caches a declarative (kagent) agent\'s skill, but only agents on the agent SDK (serveAgent) can answer from a cache with the caller\'s id; remove cacheTtlSeconds, or serve the skill from a byo agent');
    });
  });

  describe('circuit breaking', () => {
    test('ejects failing pods of the agent Service through an Istio DestinationRule', () => {
      const dr = findOne(objects, 'DestinationRule', 'search-circuit-breaker', 'acme');
      expect(dr.apiVersion).toBe('networking.istio.io/v1');
      expect(dr.spec).toEqual({
        host: 'search.acme.svc.cluster.local',
        trafficPolicy: { outlierDetection: { consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 100 } },
      });
    });

    test('fails without the Istio API, asking to enable it', () => {
      const { tenant } = tenantChart({ name: 'acme' });
      expect(() => tenant.addAgent({ ...byoAgent('search'), skills: [skill('web', { circuitBreaker: {} })] }))
        .toThrow('agent acme/tenant/search: skills[0].circuitBreaker needs Higress\' Istio API (it reads Istio DestinationRules only then); enable it: gateway.istioApi: true and Higress Helm value global.enableIstioAPI=true, or remove circuitBreaker');
    });

    test('the structural check rejects what Istio would reject', () => {
      const dr = findOne(objects, 'DestinationRule', 'search-circuit-breaker', 'acme');
      expect(validateDestinationRule({ ...dr, spec: { ...dr.spec, trafficPolicy: { outlierDetection: { consecutiveErrors: 3 } } } })).toBe(false);
      expect(validateDestinationRule({ ...dr, spec: { ...dr.spec, trafficPolicy: { outlierDetection: { interval: 10 } } } })).toBe(false);
    });
  });

  describe('version pinning', () => {
    test('parses tenant/agent#skill@version', () => {
      expect(parseSkillCall('acme/chat#chat@1.1.0', 'calls[0]')).toEqual({ tenant: 'acme', agent: 'chat', skill: 'chat', version: '1.1.0' });
    });

    test('canary skill routes answer calls pinned to the canary version (canary-by-header X-A2A-Skill-Version)', () => {
      // The pin and the weight are separate canary Ingresses: on one, Higress would drop the weight (CanaryKind).
      const a = findOne(objects, 'Ingress', 'chat-canary-a2a-chat-pinned', 'acme').metadata.annotations;
      expect(a['higress.io/canary']).toBe('true');
      expect(a['higress.io/canary-by-header']).toBe('X-A2A-Skill-Version');
      expect(a['higress.io/canary-by-header-value']).toBe('1.1.0');
      expect(a['higress.io/canary-weight']).toBeUndefined();
      const w = findOne(objects, 'Ingress', 'chat-canary-a2a-chat', 'acme').metadata.annotations;
      expect(w['higress.io/canary-weight']).toBe('10');
      expect(w['higress.io/canary-by-header']).toBeUndefined();
    });

    test('hands the caller every declared call in A2A_CALLS: URL, skill, pin, timeout, retries, fallback, token file, the callee\'s A2A version', () => {
      const env = findOne(objects, 'Deployment', 'orchestrator', 'beta').spec.template.spec.containers[0].env;
      const calls = JSON.parse(env.find((e: any) => e.name === 'A2A_CALLS').value);
      const base = { fallback: null, tokenFile: '/var/run/agentruntime.io/a2a/token', timeoutSeconds: 60, retries: 0, protocolVersion: '1.0' };
      expect(calls).toEqual([
        { ...base, ref: 'acme/search#web', agent: 'acme/search', skill: 'web', url: 'https://agents.example.com/api/v1/internal/a2a/acme/search/web', version: null, headers: {} },
        { ...base, ref: 'acme/chat#chat', agent: 'acme/chat', skill: 'chat', url: 'https://agents.example.com/api/v1/internal/a2a/acme/chat/chat', version: '1.1.0', headers: { 'X-A2A-Skill-Version': '1.1.0' } },
        {
          ...base, ref: 'acme/search#lookup', agent: 'acme/search', skill: 'lookup', url: 'https://agents.example.com/api/v1/internal/a2a/acme/search/lookup',
          version: '1.2.0', headers: { 'X-A2A-Skill-Version': '1.2.0' }, timeoutSeconds: 5, retries: 1,
        },
      ]);
    });

    test('mounts the caller\'s token Secret read-only at the path A2A_CALLS names, optional until the controller issues it', () => {
      const spec = findOne(objects, 'Deployment', 'orchestrator', 'beta').spec.template.spec;
      expect(spec.volumes).toContainEqual({ name: 'a2a-token', secret: { secretName: 'orchestrator-a2a-token', optional: true, items: [{ key: 'token', path: 'token' }] } });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'a2a-token', mountPath: '/var/run/agentruntime.io/a2a', readOnly: true });
      // Agents that call nobody get no token.
      expect(findOne(objects, 'Deployment', 'search', 'acme').spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('a2a-token');
    });

    test('fails at synth on a pinned version that is not deployed, listing the versions', () => {
      const directory = new AgentDirectory();
      const a = tenantChart({ name: 'acme' }, directory);
      a.tenant.addCanaryRelease({
        agent: { name: 'chat', skills: [skill('chat')] },
        stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } },
        canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } },
        traffic: { weight: 10 },
      });
      const b = tenantChart({ name: 'beta' }, directory);
      b.tenant.addAgent({ ...byoAgent('orchestrator'), calls: [{ tenant: 'acme', agent: 'chat', skill: 'chat', version: '1.0.0', fallbackVersion: '0.9.0' }] });
      expect(() => b.chart.toJson()).toThrow('calls[0].fallbackVersion: "0.9.0" pins fallbackVersion "0.9.0" of "acme/chat", which is not deployed; its versions are "1.0.0" (stable), "1.1.0" (canary)');
    });

    test('fails when a call retries more often than the maximum', () => {
      const { tenant } = tenantChart({ name: 'beta' });
      expect(() => tenant.addAgent({ ...byoAgent('orchestrator'), calls: [{ tenant: 'acme', agent: 'chat', skill: 'chat', retries: 4 }] }))
        .toThrow(/calls\[0\]\.retries: 4 is above the maximum of 3/);
    });
  });
});
