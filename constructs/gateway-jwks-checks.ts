/**
 * What makes the gateway's JWT issuers trustworthy, checked before anything is deployed: no key
 * whose private half is published, no private or symmetric key material in the (plain-text)
 * WasmPlugin, every key with a `kid`, no key shared by two issuers, and an audience check where
 * Higress' jwt-auth can make one.
 *
 * Higress facts these rules rest on (alibaba/higress, v2.0.1 and HEAD 4e0d691):
 * - plugins/wasm-cpp/extensions/jwt_auth/plugin.cc (the `jwt-auth` image, built by
 *   plugins/wasm-cpp/scripts/build_and_push.sh): `jwks` is an inline string parsed when the config
 *   loads; there is no remote JWKS URL, so the identity provider's JWKS is copied into config.
 * - The same file: a consumer's `claims` map (with `issuer` added as `iss`) must equal the token's
 *   claims as strings; that is how a consumer checks `aud` (a token whose `aud` is an array fails).
 * - google/jwt_verify_lib src/verify.cc (`verifyJwtWithoutTimeChecking`): a JWKS key without `kid` is tried for every token, and a
 *   token without `kid` is tried against every key; `kid`s keep issuers' keys apart.
 * - plugins/wasm-go/extensions/jwt-auth (the Go port) ignores `claims`: with it only `iss` and the
 *   keys separate issuers, which is why distinct keys per issuer are required as well.
 */
import { jwkThumbprint, publishedExampleKeySource } from './published-example-keys';

/** One issuer as configured: where its settings live, for messages. */
export interface IssuerUnderCheck {
  /** The config key of the issuer, e.g. `agent-runtime:gateway.jwt.public`. */
  readonly key: string;
  readonly jwks: string;
  readonly audience?: string;
  /** Whether the gateway can check this issuer's audience and so must. */
  readonly needsAudience: boolean;
}

/** Private members of JWKs (RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/** Most keys a JWKS may hold (a rotation needs two; an identity provider publishes a handful). */
export const MAX_JWKS_KEYS = 16;

/**
 * Problems that let someone else sign for the gateway's issuers, one message per problem, each
 * naming the config key, the key and the fix. `strict` (staging, prod) adds the checks whose fix
 * needs real key management: `kid`s, distinct keys per issuer, audiences.
 * @example gatewayJwksProblems([{ key: 'agent-runtime:gateway.jwt.public', jwks, audience: 'agents', needsAudience: true }], true)
 */
export function gatewayJwksProblems(issuers: readonly IssuerUnderCheck[], strict: boolean): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const issuer of issuers) {
    const where = `${issuer.key}.jwks`;
    const keys = _keysOf(issuer.jwks, where, strict ? problems : []);
    keys.forEach((jwk, i) => {
      const name = typeof jwk.kid === 'string' ? `key "${jwk.kid}"` : `key ${i}`;
      const source = publishedExampleKeySource(jwk);
      if (source) {
        problems.push(`${where}: ${name} is the example key of ${source}, whose private half is printed in the RFC; anyone can sign tokens with it. Replace it: the public issuer's JWKS is your identity provider's, the internal one is derived from the internalIssuerKey secret`);
      }
      const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
      if (secret.length || jwk.kty === 'oct') {
        problems.push(`${where}: ${name} carries secret key material (${jwk.kty === 'oct' ? 'a symmetric "k"' : secret.map((m) => `"${m}"`).join(', ')}), which would sit in plain text in a WasmPlugin; give public keys only (kty RSA, EC or OKP without private members)`);
      }
      if (!strict) return;
      if (typeof jwk.kid !== 'string' || jwk.kid === '') {
        problems.push(`${where}: ${name} has no "kid"; Higress' jwt-auth tries a key without kid for tokens of any kid, so give every key a kid (the RFC 7638 thumbprint, for example)`);
      }
      let thumbprint: string | undefined;
      try {
        thumbprint = jwkThumbprint(jwk);
      } catch (e) {
        problems.push(`${where}: ${name}: ${(e as Error).message}`);
      }
      if (thumbprint) {
        const other = owners.get(thumbprint);
        if (other && other !== issuer.key) {
          problems.push(`${where}: ${name} is also a key of ${other}; a token signed with it is accepted as either issuer's. Give each issuer its own keys`);
        }
        owners.set(thumbprint, issuer.key);
      }
    });
    if (strict && issuer.needsAudience && !issuer.audience) {
      problems.push(`${issuer.key}.audience is not set: without it the gateway accepts this issuer's tokens whatever audience they were issued for. Set it to the audience (client id) your identity provider puts in "aud" for this platform, as a single string`);
    }
  }
  return problems;
}

/** The keys of a JWKS document, or none (with the problem recorded) when it is not one. */
function _keysOf(jwks: string, where: string, problems: string[]): Record<string, unknown>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(jwks);
  } catch (e) {
    problems.push(`${where}: not JSON (${(e as Error).message}); give the JWKS document, e.g. the body of your identity provider's jwks_uri`);
    return [];
  }
  const keys = (doc as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push(`${where}: not a JWKS with keys; give {"keys":[...]} with at least one public key`);
    return [];
  }
  if (keys.length > MAX_JWKS_KEYS) {
    problems.push(`${where}: ${keys.length} keys; at most ${MAX_JWKS_KEYS} are allowed (the current key and the previous one during a rotation)`);
    return [];
  }
  return keys.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null);
}
