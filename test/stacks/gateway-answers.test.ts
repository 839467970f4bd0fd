/**
 * The dev stack's synthesized gateway, asked as Higress' jwt-auth would answer (emulated from its
 * source, test/support/jwt-auth-emulator.ts), with tokens shaped as the controller signs them.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { a2aIssuer, CALLER_HEADER, INTERNAL_AUDIENCE, NO_CALLER } from '../../constructs/contracts';
import { signingKey, signJwt } from '../../runtime/controller/internal-jwt';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { devIssuerKey } from '../../stacks/dev-issuer-keys';
import { answer } from '../support/jwt-auth-emulator';

const ROOT = path.resolve(__dirname, '..', '..');
const config = loadStackConfig('dev', ROOT);
const objects = synthesizePlatform(config).charts.flatMap((c) => c.objects);
const plugins = objects.filter((o) => o.kind === 'WasmPlugin');
const tenantPlugins = plugins.filter((p) => /^jwt-auth-/.test(p.metadata.name));
const internalIssuer = config.platform.gateway.jwt.internal.issuer;
const internalKey = signingKey(devIssuerKey('dev', 'internal'));
const publicKey = signingKey(devIssuerKey('dev', 'public'));
const agents = config.tenants.flatMap((t) => (t.agents ?? []).map((a) => `${t.name}/${a.name}`));
const routes = tenantPlugins.flatMap((p) => p.spec.matchRules.flatMap((r: any) => r.ingress.map((ingress: string) => ({ plugin: p, ingress, allow: r.config.allow as string[] }))));

const now = () => Math.floor(Date.now() / 1000);
/** A token as the controller signs it (runtime/controller/agent-tokens.ts). */
const agentToken = (caller: string, over: Record<string, unknown> = {}, key = internalKey) =>
  signJwt({ iss: a2aIssuer(internalIssuer, caller), sub: caller, aud: INTERNAL_AUDIENCE, iat: now(), nbf: now() - 30, exp: now() + 3600, jti: randomUUID(), ...over }, key);
const userToken = (over: Record<string, unknown> = {}) =>
  signJwt({ iss: config.platform.gateway.jwt.public.issuer, sub: 'user-1', aud: config.platform.gateway.jwt.public.audience, exp: now() + 600, ...over }, publicKey);
const spoofed = { [CALLER_HEADER.toLowerCase()]: ['globex/researcher'], 'x-mse-consumer': ['spoofed'], 'x-a2a-route': ['a2a'] };

test('the routes and callers under test are the real ones', () => {
  expect(routes.length).toBeGreaterThan(10);
  expect(agents).toEqual(expect.arrayContaining(['acme/orchestrator', 'acme/support', 'globex/researcher']));
  expect(routes.some((r) => r.allow.includes(NO_CALLER))).toBe(true);
});

test('each agent reaches exactly the routes that allow it, and the agent sees the caller from its token, not its headers', () => {
  for (const caller of agents) {
    for (const r of routes) {
      const a = answer(plugins, r.plugin, r.ingress, agentToken(caller), spoofed);
      const allowed = r.allow.includes(caller);
      expect({ route: r.ingress, caller, admitted: a.status === 200 }).toEqual({ route: r.ingress, caller, admitted: allowed });
      if (allowed) {
        expect(a.headers[CALLER_HEADER.toLowerCase()]).toEqual([caller]);
        expect(a.headers['x-mse-consumer']).toEqual([caller]);
        expect(a.headers['x-a2a-route']).toBeUndefined();
      }
    }
  }
});

test('an agent that is no consumer of a tenant gets 401 there; a consumer on a route not its own gets 403', () => {
  const plugin = tenantPlugins.find((p) => p.metadata.name === 'jwt-auth-globex')!;
  const consumers = plugin.spec.defaultConfig.consumers.map((c: any) => c.name);
  const stranger = agents.find((a) => !consumers.includes(a))!;
  const route = routes.find((r) => r.plugin === plugin && r.allow.includes('acme/orchestrator'))!;
  expect(answer(plugins, plugin, route.ingress, agentToken(stranger)).status).toBe(401);
  const chat = routes.find((r) => r.plugin === plugin && r.allow.includes('public'))!;
  expect(answer(plugins, plugin, chat.ingress, agentToken('acme/orchestrator')).status).toBe(403);
});

test('closed routes admit no token at all: every agent, the public issuer, and a signed "nobody"', () => {
  const closed = routes.filter((r) => r.allow.includes(NO_CALLER));
  const tokens = [
    ...agents.map((a) => agentToken(a)),
    userToken(),
    agentToken('nobody', { iss: `${internalIssuer}/nobody`, sub: 'nobody' }),
    agentToken(NO_CALLER, { iss: `${internalIssuer}/${NO_CALLER}`, sub: NO_CALLER }),
  ];
  for (const r of closed) for (const t of tokens) expect(answer(plugins, r.plugin, r.ingress, t).status).not.toBe(200);
});

test('forged, tampered, wrong-audience, wrong-subject and expired tokens get 401 everywhere', () => {
  const forger = signingKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const sameKid = { ...forger, kid: internalKey.kid };
  const good = agentToken('acme/orchestrator');
  const [h, , s] = good.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ iss: a2aIssuer(internalIssuer, 'acme/orchestrator'), sub: 'acme/orchestrator', aud: INTERNAL_AUDIENCE, exp: now() + 99999 })).toString('base64url')}.${s}`;
  const bad = [
    agentToken('acme/orchestrator', {}, forger),
    agentToken('acme/orchestrator', {}, sameKid),
    tampered,
    agentToken('acme/orchestrator', { aud: 'another-service' }),
    agentToken('acme/orchestrator', { aud: [INTERNAL_AUDIENCE] }),
    agentToken('acme/orchestrator', { sub: 'acme/support' }),
    agentToken('acme/orchestrator', { exp: now() - 3600 }),
    // The public issuer's key does not sign for agents, nor the internal key for users.
    agentToken('acme/orchestrator', {}, publicKey),
    userToken({ aud: 'someone-else' }),
  ];
  for (const r of routes) for (const t of bad) expect({ r: r.ingress, status: answer(plugins, r.plugin, r.ingress, t).status }).toEqual({ r: r.ingress, status: 401 });
});

test('end users reach chat routes only, with the audience the stack sets', () => {
  for (const r of routes) {
    const status = answer(plugins, r.plugin, r.ingress, userToken(), spoofed).status;
    expect({ r: r.ingress, status }).toEqual({ r: r.ingress, status: r.allow.includes('public') ? 200 : 403 });
  }
  const chat = routes.find((r) => r.allow.includes('public'))!;
  const a = answer(plugins, chat.plugin, chat.ingress, userToken(), spoofed);
  expect(a.headers[CALLER_HEADER.toLowerCase()]).toBeUndefined();
  expect(a.headers['x-mse-consumer']).toEqual(['public']);
});

test('the controller signs the audience the gateway checks', () => {
  const { AgentTokens } = require('../../runtime/controller/agent-tokens');
  const tokens = new AgentTokens({} as any, { internalIssuer, keys: () => undefined });
  expect(tokens.audience).toBe(INTERNAL_AUDIENCE);
});
