/**
 * Internal JWTs with Node's own crypto (no JWT library: signing is a few lines, and a dependency
 * would be more code to trust than this): signing keys from PEM, their JWKS (public halves only,
 * `kid` = RFC 7638 thumbprint, so the Pulumi program and the controller derive the same `kid` from
 * the same key), and compact ES256/RS256 tokens.
 */
import { KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/** A public key in a JWKS. */
export interface Jwk {
  readonly kty: string;
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly use: 'sig';
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly n?: string;
  readonly e?: string;
}

/** A private key ready to sign. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly key: KeyObject;
}

/** The key that signs plus every key callers' tokens may still carry. */
export interface SigningKeys {
  readonly current: SigningKey;
  readonly jwks: { readonly keys: readonly Jwk[] };
}

/**
 * Reads the signing key (and, during a key rotation, the previous one, whose tokens stay valid
 * until they expire) from PEM. Accepts P-256 EC and RSA (>= 2048 bits) keys.
 * @example loadSigningKeys(fs.readFileSync('key.pem', 'utf8'))
 */
export function loadSigningKeys(currentPem: string, previousPem?: string): SigningKeys {
  const current = signingKey(currentPem, 'current key');
  const keys = [publicJwk(current.key)];
  if (previousPem?.trim()) {
    const previous = publicJwk(signingKey(previousPem, 'previous key').key);
    if (previous.kid !== keys[0].kid) keys.push(previous);
  }
  return { current, jwks: { keys } };
}

/** The JWKS (public keys only) of PEM private or public keys: what the gateway's jwt-auth checks against. */
export function jwksOf(...pems: readonly string[]): { keys: Jwk[] } {
  const seen = new Map<string, Jwk>();
  for (const pem of pems.filter((p) => p?.trim())) {
    const jwk = publicJwk(pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : createPublicKey(pem));
    seen.set(jwk.kid, jwk);
  }
  return { keys: [...seen.values()] };
}

/** One private key from PEM, with its `kid` and algorithm; errors name what is wrong. */
export function signingKey(pem: string, what = 'key'): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`internal issuer ${what}: not a PEM private key (${(err as Error).message}); generate one with "openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt"`);
  }
  const jwk = publicJwk(key);
  return { kid: jwk.kid, alg: jwk.alg, key };
}

/** The public JWK of a key (private or public). */
export function publicJwk(key: KeyObject): Jwk {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const j = pub.export({ format: 'jwk' }) as Record<string, string>;
  if (j.kty === 'EC') {
    if (j.crv !== 'P-256') throw new Error(`internal issuer key: EC curve ${j.crv} is not supported; use P-256 (ES256)`);
    const kid = _thumbprint({ crv: j.crv, kty: 'EC', x: j.x, y: j.y });
    return { kty: 'EC', kid, alg: 'ES256', use: 'sig', crv: j.crv, x: j.x, y: j.y };
  }
  if (j.kty === 'RSA') {
    if ((pub.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Error('internal issuer key: RSA keys need at least 2048 bits');
    const kid = _thumbprint({ e: j.e, kty: 'RSA', n: j.n });
    return { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: j.n, e: j.e };
  }
  throw new Error(`internal issuer key: key type ${j.kty} is not supported; use an EC P-256 or RSA key`);
}

/** Signs `claims` as a compact JWS with `kid` in the header. */
export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const header = _b64(JSON.stringify({ alg: key.alg, typ: 'JWT', kid: key.kid }));
  const payload = _b64(JSON.stringify(claims));
  const input = `${header}.${payload}`;
  const signature = sign('sha256', Buffer.from(input), key.alg === 'ES256' ? { key: key.key, dsaEncoding: 'ieee-p1363' } : key.key);
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Verifies a compact JWS against a JWKS and returns its claims; throws naming the failure.
 * Checks the signature, `exp` and, when given, `iss` and `aud` (as the gateway does).
 */
export function verifyJwt(token: string, jwks: { keys: readonly Jwk[] }, expect: { iss?: string; aud?: string; now?: number } = {}): Record<string, unknown> {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) throw new Error('not a compact JWS');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; kid?: string };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${JSON.stringify(header.kid)} is not in the JWKS (${jwks.keys.map((k) => k.kid).join(', ')})`);
  if (header.alg !== jwk.alg) throw new Error(`alg ${header.alg} does not match the key's ${jwk.alg}`);
  const key = createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), jwk.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('signature does not verify');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Math.floor((expect.now ?? Date.now()) / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new Error(`expired (exp ${claims.exp}, now ${now})`);
  if (expect.iss !== undefined && claims.iss !== expect.iss) throw new Error(`iss ${JSON.stringify(claims.iss)} is not ${JSON.stringify(expect.iss)}`);
  if (expect.aud !== undefined && claims.aud !== expect.aud) throw new Error(`aud ${JSON.stringify(claims.aud)} is not ${JSON.stringify(expect.aud)}`);
  return claims;
}

function _thumbprint(members: Record<string, string>): string {
  // RFC 7638: required members, lexicographic order, no whitespace.
  const json = `{${Object.keys(members).sort().map((k) => `"${k}":"${members[k]}"`).join(',')}}`;
  return createHash('sha256').update(json).digest('base64url');
}

function _b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
