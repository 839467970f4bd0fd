import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { jwkThumbprint } from '../../constructs/published-example-keys';
import { loadStackConfig, readPlatformConfig } from '../../stacks/config';
import { devIssuerKey, devKeyDirectory } from '../../stacks/dev-issuer-keys';
import { PUBLISHED_EXAMPLE_PUBLIC_KEYS } from '../support/published-example-public-keys';

const ROOT = path.resolve(__dirname, '..', '..');
const values = (env: string): Record<string, any> => {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${env}.yaml`), 'utf8')) as any;
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^agent-runtime:/, ''), v]));
};
const ecJwk = (kid?: string) => {
  const j = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { kty: 'EC', crv: 'P-256', x: j.x, y: j.y, alg: 'ES256', use: 'sig', ...(kid ? { kid } : {}) };
};
const jwks = (...keys: object[]) => JSON.stringify({ keys });
const refusal = (env: string, mutate: (v: Record<string, any>) => void): string => {
  const v = values(env);
  mutate(v);
  try {
    readPlatformConfig(env, v);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

describe.each(['staging', 'prod'])('%s refuses issuers someone else could sign for', (env) => {
  test('its own stack file passes', () => {
    expect(() => loadStackConfig(env, ROOT)).not.toThrow();
  });

  test.each(PUBLISHED_EXAMPLE_PUBLIC_KEYS.map((k) => [k.source, k.jwk]))('a JWKS with the example key of %s, under either issuer', (source, jwk) => {
    const forged = { ...jwk, kid: 'dev-1', use: 'sig' };
    expect(refusal(env, (v) => { v.gateway.jwt.public.jwks = jwks(ecJwk('idp-1'), forged); })).toContain(`agent-runtime:gateway.jwt.public.jwks: key "dev-1" is the example key of ${source.split(' (')[0]}`);
    expect(refusal(env, (v) => { v.gateway.jwt.internal.jwks = jwks(forged); })).toContain('agent-runtime:gateway.jwt.internal.jwks: key "dev-1" is the example key of');
  });

  test('the same key under both issuers', () => {
    const shared = ecJwk('shared');
    const message = refusal(env, (v) => { v.gateway.jwt.public.jwks = jwks(shared); v.gateway.jwt.internal.jwks = jwks({ ...shared, kid: 'other-kid' }); });
    expect(message).toContain('agent-runtime:gateway.jwt.internal.jwks: key "other-kid" is also a key of agent-runtime:gateway.jwt.public');
  });

  test('a key without kid', () => {
    expect(refusal(env, (v) => { v.gateway.jwt.public.jwks = jwks(ecJwk()); })).toContain('agent-runtime:gateway.jwt.public.jwks: key 0 has no "kid"');
  });

  test('a public issuer without an audience check', () => {
    expect(refusal(env, (v) => { delete v.gateway.jwt.public.audience; })).toContain('agent-runtime:gateway.jwt.public.audience is not set');
  });

  test('private or symmetric key material', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const priv = { ...(privateKey.export({ format: 'jwk' }) as object), kid: 'leaked' };
    expect(refusal(env, (v) => { v.gateway.jwt.public.jwks = jwks(priv); })).toContain('key "leaked" carries secret key material ("d")');
    expect(refusal(env, (v) => { v.gateway.jwt.public.jwks = jwks({ kty: 'oct', kid: 'hs', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' }); })).toContain('a symmetric "k"');
  });

  test('no JWKS at all, with every problem at once', () => {
    const message = refusal(env, (v) => { delete v.gateway.jwt.public.jwks; delete v.gateway.jwt.internal.jwks; });
    expect(message).toContain('agent-runtime:gateway.jwt.public.jwks is required');
    expect(message).toContain('agent-runtime:gateway.jwt.internal.jwks is required');
  });
});

describe('dev', () => {
  test('refuses a published example key too', () => {
    const rfc = PUBLISHED_EXAMPLE_PUBLIC_KEYS[0].jwk;
    expect(refusal('dev', (v) => { v.gateway.jwt.public.jwks = jwks({ ...rfc, kid: 'x' }); })).toContain('is the example key of');
  });

  test('signs with throwaway keys kept outside the repository, one per issuer, the same on every use', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-keys-'));
    const pub = devIssuerKey('dev', 'public', dir);
    const internal = devIssuerKey('dev', 'internal', dir);
    expect(pub).toMatch(/BEGIN PRIVATE KEY/);
    expect(internal).not.toBe(pub);
    expect(devIssuerKey('dev', 'public', dir)).toBe(pub);
    expect(fs.statSync(path.join(dir, 'dev-public-issuer.pem')).mode & 0o077).toBe(0);
    expect(path.relative(ROOT, devKeyDirectory()).startsWith('..')).toBe(true);
    expect(devKeyDirectory({ HOME: '/home/u', XDG_CONFIG_HOME: '/home/u/.config' })).toBe('/home/u/.config/agent-runtime/dev-keys');
  });

  test('the dev stack file carries no JWKS; the synthesized ones are the throwaway keys, distinct per issuer', () => {
    expect(values('dev').gateway.jwt.public.jwks).toBeUndefined();
    const config = loadStackConfig('dev', ROOT);
    const keys = (s: string) => JSON.parse(s).keys.map((k: any) => jwkThumbprint(k));
    const [pub, internal] = [keys(config.platform.gateway.jwt.public.jwks), keys(config.platform.gateway.jwt.internal.jwks)];
    expect(pub).toHaveLength(1);
    expect(internal).not.toEqual(pub);
  });
});

test('no stack file carries a JWKS with a private member or a published example key', () => {
  for (const env of ['dev', 'staging', 'prod']) {
    const text = fs.readFileSync(path.join(ROOT, `Pulumi.${env}.yaml`), 'utf8');
    expect(text).not.toMatch(/"(d|p|q|k)":/);
    expect(() => loadStackConfig(env, ROOT)).not.toThrow();
  }
});
