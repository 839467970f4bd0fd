/**
 * Agent identities: per agent and track, a short-lived internal JWT whose `iss` is exactly what
 * the tenant's jwt-auth consumer of that caller expects (`<internal issuer>/<tenant>/<agent>`),
 * written to the Secret of the {@link A2A_TOKEN} contract and rotated at 2/3 of its lifetime.
 * The Secret is owned by the card ConfigMap, so Kubernetes deletes it with the agent.
 */
import { randomUUID } from 'node:crypto';
import { A2A_TOKEN, LABEL, MANAGED_BY } from '../../constructs/labels';
import type { ClusterWriter, SecretObject } from './cluster';
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
  /** The signing keys (re-read by the caller when the key Secret changes). */
  readonly keys: () => SigningKeys;
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

/** Role label value of token Secrets. */
export const TOKEN_ROLE = 'a2a-token';

/** The `iss` the gateway's consumer of caller `tenant/agent` expects. */
export function callerIssuer(internalIssuer: string, tenant: string, agent: string): string {
  return `${internalIssuer.replace(/\/+$/, '')}/${tenant}/${agent}`;
}

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

  /** Ensures a fresh token for `t`; resolves to the ms until it must be rotated. */
  async reconcile(t: AgentTrack): Promise<number> {
    const name = A2A_TOKEN.secretName(t.agent, t.track);
    const keys = this._options.keys();
    const iss = callerIssuer(this._options.internalIssuer, t.tenant, t.agent);
    const existing = await this._writer.getSecret(t.namespace, name);
    if (existing && existing.metadata.labels?.[LABEL.role] !== TOKEN_ROLE) {
      throw new Error(`Secret ${t.namespace}/${name} exists and was not written by the controller (label ${LABEL.role} is not "${TOKEN_ROLE}"); rename or delete it`);
    }
    const a = existing?.metadata.annotations ?? {};
    const issuedAt = Number(a[TOKEN_ANNOTATION.issuedAt]) * 1000;
    const rotateAt = issuedAt + (this.ttlSeconds * 1000 * 2) / 3;
    const now = this._now();
    const fresh = existing?.data?.[A2A_TOKEN.key] && a[TOKEN_ANNOTATION.issuer] === iss && a[TOKEN_ANNOTATION.audience] === this.audience &&
      a[TOKEN_ANNOTATION.kid] === keys.current.kid && Number.isFinite(issuedAt) && now < rotateAt && issuedAt <= now;
    if (fresh) return rotateAt - now;

    const iat = Math.floor(now / 1000);
    const exp = iat + this.ttlSeconds;
    const token = signJwt({ iss, sub: `${t.tenant}/${t.agent}`, aud: this.audience, iat, nbf: iat - 30, exp, jti: randomUUID(), track: t.track }, keys.current);
    const owner = t.configMap.metadata.uid
      ? [{ apiVersion: 'v1', kind: 'ConfigMap', name: t.configMap.metadata.name, uid: t.configMap.metadata.uid }]
      : undefined;
    const secret: SecretObject = {
      metadata: {
        name,
        namespace: t.namespace,
        labels: { [LABEL.managedBy]: MANAGED_BY, [LABEL.tenant]: t.tenant, [LABEL.agent]: t.agent, [LABEL.track]: t.track, [LABEL.role]: TOKEN_ROLE },
        annotations: {
          [TOKEN_ANNOTATION.issuer]: iss,
          [TOKEN_ANNOTATION.audience]: this.audience,
          [TOKEN_ANNOTATION.kid]: keys.current.kid,
          [TOKEN_ANNOTATION.issuedAt]: String(iat),
          [TOKEN_ANNOTATION.expiresAt]: new Date(exp * 1000).toISOString(),
        },
        ...(owner ? { ownerReferences: owner } : {}),
        ...(existing?.metadata.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
      },
      type: 'Opaque',
      data: { [A2A_TOKEN.key]: Buffer.from(token, 'utf8').toString('base64') },
    };
    await this._writer.putSecret(secret);
    this._options.log?.(`${existing ? 'rotated' : 'issued'} token ${t.namespace}/${name} (kid ${keys.current.kid}, expires ${new Date(exp * 1000).toISOString()})`);
    return (this.ttlSeconds * 1000 * 2) / 3;
  }
}
