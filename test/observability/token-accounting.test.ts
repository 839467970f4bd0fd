import { Testing } from 'cdk8s';
import { TokenAccounting, TokenAccountingProps } from '../../constructs/observability';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';

const REDIS = { serviceName: 'redis-stack-server.higress-system.svc.cluster.local' };

function synth(props: TokenAccountingProps): any[] {
  const chart = Testing.chart();
  new TokenAccounting(chart, 'tokens', props);
  return Testing.synth(chart);
}

describe('TokenAccounting', () => {
  test('emits a token limit per tier and a quota, valid against the WasmPlugin CRD', () => {
    const objects = synth({
      redis: REDIS,
      tiers: { free: { tokensPerMinute: 1000, tokensPerDay: 100000, routes: ['acme/llm'] }, standard: { tokensPerDay: 1000000, routes: ['globex/llm'] } },
      quota: { adminConsumer: 'internal-services', routes: ['acme/llm', 'globex/llm'] },
    });
    expect(validateAll(objects)).toEqual([]);
    expect(findAll(objects, 'WasmPlugin', 'higress-system').map((o) => o.metadata.name).sort())
      .toEqual(['ai-quota', 'ai-token-ratelimit-free', 'ai-token-ratelimit-standard']);
    const free = findOne(objects, 'WasmPlugin', 'ai-token-ratelimit-free');
    expect(free.spec.defaultConfigDisable).toBe(true);
    expect(free.spec.matchRules).toEqual([{
      ingress: ['acme/llm'],
      config: expect.objectContaining({
        rule_items: [{ limit_by_per_consumer: '', limit_keys: [{ key: '*', token_per_minute: 1000, token_per_day: 100000 }] }],
        redis: { service_name: REDIS.serviceName, service_port: 6379 },
      }),
    }]);
    expect(findOne(objects, 'WasmPlugin', 'ai-quota').spec.matchRules[0].config).toEqual({
      redis_key_prefix: 'chat_quota:', admin_consumer: 'internal-services', admin_path: '/quota', redis: { service_name: REDIS.serviceName, service_port: 6379 },
    });
  });

  test('fails without Redis and says why', () => {
    expect(() => synth({ tiers: { free: { tokensPerDay: 1, routes: ['acme/llm'] } } }))
      .toThrow(/redis is not set; ai-token-ratelimit and ai-quota keep their counters in Redis.*global\.enableRedis=true/);
  });

  test.each([
    [{ redis: REDIS, tiers: { free: { tokensPerMinute: 0, routes: ['acme/llm'] } } }, 'tiers.free.tokensPerMinute: 0 is not allowed'],
    [{ redis: REDIS, tiers: { free: { routes: ['acme/llm'] } } }, 'tiers.free has no limit'],
    [{ redis: REDIS, tiers: { free: { tokensPerDay: 5, routes: [] } } }, 'tiers.free.routes is empty'],
    [{ redis: REDIS, tiers: { free: { tokensPerDay: 5, routes: ['llm'] } } }, '"llm" is not "<namespace>/<ingress>"'],
    [{ redis: REDIS, tiers: { Free: { tokensPerDay: 5, routes: ['acme/llm'] } } }, 'tiers.Free is not a DNS label as a tier name'],
    [{ redis: { serviceName: 'redis.dns', servicePort: 70000 } }, 'redis.servicePort: 70000 is not a TCP port'],
    [{ redis: REDIS, quota: { adminConsumer: '', routes: ['acme/llm'] } }, 'quota.adminConsumer is empty'],
  ] as [TokenAccountingProps, string][])('%j fails with a clear error', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
