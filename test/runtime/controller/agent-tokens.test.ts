import { generateKeyPairSync } from 'node:crypto';
import { a2aTokenContract } from '../../../constructs/contracts';
import { AgentTokens, TOKEN_ANNOTATION } from '../../../runtime/controller/agent-tokens';
import { agentTrackOf, AgentTrack } from '../../../runtime/controller/desired-state';
import { jwksOf, loadSigningKeys, verifyJwt } from '../../../runtime/controller/internal-jwt';
import { FakeWriter } from '../../support/fake-cluster';
import { FACTS } from '../../constructs/_example';
import { synthTenant } from './_cluster';

const pem = (type: 'ec' | 'rsa') =>
  (type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 })
  ).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

const ISSUER = 'https://a2a.internal.example.com';

function tracks(): AgentTrack[] {
  return synthTenant('acme', [{ name: 'chat', canary: '1.1.0' }]).configMaps.map((cm) => agentTrackOf({ ...cm, metadata: { ...cm.metadata, uid: 'u1' } }, { tenant: 'acme', gatewayHost: FACTS.gatewayHost }) as AgentTrack);
}

function bed(keyPem: string, previous?: string) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let keys = loadSigningKeys(keyPem, previous);
  const writer = new FakeWriter();
  writer.declareSecret({ metadata: { name: a2aTokenContract('chat').secretName, namespace: 'acme', labels: { 'agentruntime.io/role': 'a2a-token' } }, type: 'Opaque' });
  const tokens = new AgentTokens(writer, { internalIssuer: ISSUER, ttlSeconds: 3600, keys: () => keys, now: () => now });
  const token = (name: string, key = 'token') => Buffer.from(writer.secrets.get(`acme/${name}`)!.data![key], 'base64').toString('utf8');
  return { writer, tokens, token, advance: (ms: number) => (now += ms), now: () => now, setKeys: (k: typeof keys) => (keys = k) };
}

describe('AgentTokens', () => {
  test.each(['ec', 'rsa'] as const)('writes one %s-signed token per agent that verifies against the gateway JWKS with the consumer\'s iss', async (type) => {
    const key = pem(type);
    const b = bed(key);
    const [stable] = tracks();
    await b.tokens.reconcile(stable);
    const jwks = jwksOf(key);
    const claims = verifyJwt(b.token('chat-a2a-token'), jwks, { iss: `${ISSUER}/acme/chat`, aud: 'agent-runtime-gateway', now: b.now() });
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    expect(b.token('chat-a2a-token', 'authorization')).toBe(`Bearer ${b.token('chat-a2a-token')}`);
    expect(b.writer.secrets.get('acme/chat-a2a-token')!.metadata.annotations![TOKEN_ANNOTATION.kid]).toBe(jwks.keys[0].kid);
  });

  test('rotates at 2/3 of the lifetime, not before', async () => {
    const b = bed(pem('ec'));
    const [t] = tracks();
    expect(await b.tokens.reconcile(t)).toBe(2400_000);
    const first = b.token('chat-a2a-token');
    b.advance(2399_000);
    expect(await b.tokens.reconcile(t)).toBe(1000);
    expect(b.token('chat-a2a-token')).toBe(first);
    b.advance(1000);
    await b.tokens.reconcile(t);
    expect(b.token('chat-a2a-token')).not.toBe(first);
  });

  test('a key rotation re-issues with the new kid while old tokens still verify against both keys', async () => {
    const oldKey = pem('ec');
    const newKey = pem('ec');
    const b = bed(oldKey);
    const [t] = tracks();
    await b.tokens.reconcile(t);
    const before = b.token('chat-a2a-token');
    const both = loadSigningKeys(newKey, oldKey);
    expect(both.jwks.keys).toHaveLength(2);
    b.setKeys(both);
    await b.tokens.reconcile(t);
    const after = b.token('chat-a2a-token');
    expect(after).not.toBe(before);
    expect(() => verifyJwt(before, both.jwks, { now: b.now() })).not.toThrow();
    expect(() => verifyJwt(after, jwksOf(oldKey), { now: b.now() })).toThrow(/kid .* is not in the JWKS/);
  });

  test('refuses a Secret of that name that is not a token Secret, naming it', async () => {
    const b = bed(pem('ec'));
    const [t] = tracks();
    b.writer.secrets.set('acme/chat-a2a-token', { metadata: { name: 'chat-a2a-token', namespace: 'acme', labels: {} } });
    await expect(b.tokens.reconcile(t)).rejects.toThrow('Secret acme/chat-a2a-token is not an agent token Secret');
  });
});
