/**
 * Agent identities: per agent (both tracks share it), a short-lived internal JWT whose `iss` is
 * exactly what the tenant's jwt-auth consumer of that caller expects ({@link a2aIssuer}:
 * `<internal issuer>/<tenant>/<agent>`), written to the Secret of the {@link a2aTokenContract}
 * (the raw JWT and `Bearer <jwt>`) and rotated at 2/3 of its lifetime.
 * The manifests declare that Secret empty; the controller only patches its data and annotations.
 */
import { createHash, randomUUID } from 'node:crypto';
import { a2aIssuer, a2aTokenContract } from '../../constructs/contracts';
import { LABEL } from '../../constructs/labels';
import { A2A_TOKEN_ROLE } from '../../constructs/runtime-controller';
import type { ClusterWriter } from './cluster';
import type { AgentTrack } from './desired-state';
import { SigningKeys, signJwt } from './internal-jwt';

/** Options of {@link AgentTokens}. */
export interface AgentTokenOptions {
  /** The gateway's internal issuer (`gateway.jwt.internal.issuer`). */
  readonly internalIssuer: string;
  /** `aud` of every token. @default 'agent-runtime-gateway' */
  readonly audience?: string;
  /** Token lifetime. @default 3600 */
  readonly ttlSeconds?: number;
  /** The signing keys (re-read by the caller when the key Secret changes); `undefined` while none is loaded. */
  readonly keys: () => SigningKeys | undefined;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default - silent */
  readonly log?: (line: string) => void;
}

/** Annotations the controller keeps on token Secrets (never the token itself). */
export const TOKEN_ANNOTATION = {
  issuer: 'agentruntime.io/token-issuer',
  audience: 'agentruntime.io/token-audience',
  kid: 'agentruntime.io/token-kid',
  issuedAt: 'agentruntime.io/token-issued-at',
  expiresAt: 'agentruntime.io/token-expires-at',
} as const;


/** Issues and rotates the token Secrets. */
export class AgentTokens {
  readonly ttlSeconds: number;
  readonly audience: string;
  private readonly _now: () => number;

  constructor(
    private readonly _writer: ClusterWriter,
    private readonly _options: AgentTokenOptions,
  ) {
    this.ttlSeconds = _options.ttlSeconds ?? 3600;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 60) {
      throw new Error(`token ttlSeconds ${this.ttlSeconds} is not allowed; use a whole number of seconds >= 60, e.g. 3600`);
    }
    this.audience = _options.audience ?? 'agent-runtime-gateway';
    this._now = _options.now ?? Date.now;
  }

  /** Ensures a fresh token for the agent of `t`; resolves to the ms until it must be rotated. */
  async reconcile(t: AgentTrack): Promise<number> {
    return (await this.ensure(t)).rotateInMs;
  }

  /**
   * Ensures a fresh token for the agent of `t`: the ms until it must be rotated, and a fingerprint
   * of the token the Secret holds now (a SHA-256 prefix: it identifies the token, reveals nothing
   * of it), `undefined` while none can be issued.
   */
  async ensure(t: AgentTrack): Promise<{ rotateInMs: number; fingerprint?: string }> {
    const contract = a2aTokenContract(t.agent);
    const name = contract.secretName;
    const keys = this._options.keys();
    // No issuer key yet: nothing to sign with; look again in a minute.
    if (!keys) return { rotateInMs: 60_000 };
    const iss = a2aIssuer(this._options.internalIssuer, `${t.tenant}/${t.agent}`);
    const existing = await this._writer.getSecret(t.namespace, name);
    if (!existing) {
      throw new Error(`Secret ${t.namespace}/${name} does not exist; the tenant's manifests declare it (empty) when the platform runs the controller: apply them (pulumi up, or the synthesized YAML)`);
    }
    if (existing.metadata.labels?.[LABEL.role] !== A2A_TOKEN_ROLE) {
      throw new Error(`Secret ${t.namespace}/${name} is not an agent token Secret (label ${LABEL.role} is not "${A2A_TOKEN_ROLE}"); the controller leaves it alone: rename or delete it`);
    }
    const a = existing?.metadata.annotations ?? {};
    const issuedAt = Number(a[TOKEN_ANNOTATION.issuedAt]) * 1000;
    const rotateAt = issuedAt + (this.ttlSeconds * 1000 * 2) / 3;
    const now = this._now();
    const fresh = existing?.data?.[contract.tokenKey] && a[TOKEN_ANNOTATION.issuer] === iss && a[TOKEN_ANNOTATION.audience] === this.audience &&
      a[TOKEN_ANNOTATION.kid] === keys.current.kid && Number.isFinite(issuedAt) && now < rotateAt && issuedAt <= now;
    if (fresh) return { rotateInMs: rotateAt - now, fingerprint: tokenFingerprint(Buffer.from(existing.data![contract.tokenKey], 'base64').toString('utf8')) };

    const iat = Math.floor(now / 1000);
    const exp = iat + this.ttlSeconds;
    const token = signJwt({ iss, sub: `${t.tenant}/${t.agent}`, aud: this.audience, iat, nbf: iat - 30, exp, jti: randomUUID() }, keys.current);
    const annotations = {
      [TOKEN_ANNOTATION.issuer]: iss,
      [TOKEN_ANNOTATION.audience]: this.audience,
      [TOKEN_ANNOTATION.kid]: keys.current.kid,
      [TOKEN_ANNOTATION.issuedAt]: String(iat),
      [TOKEN_ANNOTATION.expiresAt]: new Date(exp * 1000).toISOString(),
    };
    await this._writer.patchSecret(t.namespace, name, { annotations, data: {
      [contract.tokenKey]: Buffer.from(token, 'utf8').toString('base64'),
      [contract.authorizationKey]: Buffer.from(`Bearer ${token}`, 'utf8').toString('base64'),
    } });
    this._options.log?.(`${existing.data?.[contract.tokenKey] ? 'rotated' : 'issued'} token ${t.namespace}/${name} (kid ${keys.current.kid}, expires ${new Date(exp * 1000).toISOString()})`);
    return { rotateInMs: (this.ttlSeconds * 1000 * 2) / 3, fingerprint: tokenFingerprint(token) };
  }
}

/** A label-sized fingerprint of a token: the first 32 hex digits of its SHA-256. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 32);
}
