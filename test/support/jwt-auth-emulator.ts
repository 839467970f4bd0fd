/**
 * What Higress does with a request's headers before it reaches an agent, from the synthesized
 * WasmPlugins: the `transformer` header strip (AUTHN 410), then the tenant's `jwt-auth` (AUTHN
 * 340), following plugins/wasm-cpp/extensions/jwt_auth/plugin.cc (`checkPlugin`,
 * `consumerVerify`) and extractor.cc (`claimsToHeaders`), alibaba/higress v2.0.1:
 * - consumers are tried in order; the first that verifies and is allowed wins;
 * - a consumer verifies when `iss` and every `claims` entry equal the token's string claims, the
 *   token is within `exp`/`nbf` (60 s skew), and a JWKS key verifies the signature (a key is
 *   skipped only when both it and the token have a `kid` and they differ: jwt_verify_lib);
 * - no consumer verifies: 401; one verifies but none allowed: 403;
 * - on success `X-Mse-Consumer` is added and `claims_to_headers` written (override: replace).
 * Only ES256 and RS256 are emulated (what the platform signs with); other algorithms fail closed.
 */
import { createPublicKey, verify } from 'node:crypto';

/** Request headers, lower-case names, possibly repeated. */
export type Headers = Record<string, string[]>;

/** The outcome: the status the gateway answers with, and the headers the agent gets on 200. */
export interface GatewayAnswer {
  readonly status: 200 | 401 | 403;
  readonly consumer?: string;
  readonly headers: Headers;
}

/** The headers the strip plugin removes (its `reqRules` `remove` entries). */
export function strippedHeaders(plugins: any[]): string[] {
  const strip = plugins.find((p) => p.metadata.name === 'strip-gateway-headers');
  if (!strip) return [];
  return strip.spec.defaultConfig.reqRules.filter((r: any) => r.operate === 'remove').flatMap((r: any) => r.headers.map((h: any) => h.key.toLowerCase()));
}

/**
 * The answer of route `ingress` (`<namespace>/<name>`) of a tenant plugin to a request with a
 * bearer token and caller-sent headers.
 */
export function answer(plugins: any[], tenantPlugin: any, ingress: string, token: string | undefined, sent: Headers = {}, now = Date.now()): GatewayAnswer {
  const headers: Headers = {};
  const strip = new Set(strippedHeaders(plugins));
  for (const [k, v] of Object.entries(sent)) if (!strip.has(k.toLowerCase())) headers[k.toLowerCase()] = [...v];
  const rule = (tenantPlugin.spec.matchRules ?? []).find((r: any) => r.ingress.includes(ingress));
  if (!rule) throw new Error(`no jwt-auth rule for ${ingress}`);
  const allow = new Set<string>(rule.config.allow);
  let verified = false;
  for (const c of tenantPlugin.spec.defaultConfig.consumers) {
    const claims = token ? _verify(token, c, now) : undefined;
    if (!claims) continue;
    verified = true;
    if (!allow.has(c.name)) continue;
    (headers['x-mse-consumer'] ??= []).push(c.name);
    for (const h of c.claims_to_headers ?? []) {
      const v = claims[h.claim];
      if (typeof v !== 'string' && typeof v !== 'number') continue;
      const key = h.header.toLowerCase();
      if ((h.override ?? true) && headers[key]?.length) headers[key] = [String(v)];
      else (headers[key] ??= []).push(String(v));
    }
    return { status: 200, consumer: c.name, headers };
  }
  return { status: verified ? 403 : 401, headers };
}

function _verify(token: string, consumer: any, now: number): Record<string, unknown> | undefined {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return undefined;
  let header: any;
  let claims: any;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const expected: Record<string, string> = { ...(consumer.claims ?? {}), iss: consumer.issuer };
  for (const [k, v] of Object.entries(expected)) if (claims[k] !== v) return undefined;
  const t = Math.floor(now / 1000);
  if (typeof claims.exp === 'number' && claims.exp + 60 < t) return undefined;
  if (typeof claims.nbf === 'number' && claims.nbf - 60 > t) return undefined;
  const keys: any[] = JSON.parse(consumer.jwks).keys;
  const ok = keys.some((jwk) => {
    if (header.kid && jwk.kid && header.kid !== jwk.kid) return false;
    if (header.alg !== 'ES256' && header.alg !== 'RS256') return false;
    if ((header.alg === 'ES256') !== (jwk.kty === 'EC')) return false;
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      return verify('sha256', Buffer.from(`${h}.${p}`), header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(s, 'base64url'));
    } catch {
      return false;
    }
  });
  return ok ? claims : undefined;
}
