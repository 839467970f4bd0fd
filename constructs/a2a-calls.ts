/**
 * `A2A_CALLS`: what a calling agent gets for each call it declared, as a JSON array in that
 * environment variable. This interface is THE definition of the format (the README and the
 * agent SDK refer here). Set on every agent that declares calls, BYO and declarative alike.
 */
import { servedProtocolVersions } from './agent-card';
import { A2A_V1 } from './agent-card-v1';
import { _skillPath } from './agent-routes';
import type { IAgentTrack } from './contracts';
import { A2A_TOKEN_PATH } from './contracts';
import { SKILL_VERSION_HEADER, SkillCallSpec } from './skill-resilience';

/** One entry of `A2A_CALLS`. */
export interface A2aCallEntry {
  /** `tenant/agent#skill` as declared. */
  readonly ref: string;
  /** Callee `tenant/agent`. */
  readonly agent: string;
  /** Callee skill id. */
  readonly skill: string;
  /** Gateway URL of the skill's internal A2A route; POST JSON-RPC here with `Authorization: Bearer <token file>`. */
  readonly url: string;
  /** Pinned version, or null (whatever the gateway routes to, canary weights included). */
  readonly version: string | null;
  /** Headers to send on every request (the version pin `X-A2A-Skill-Version` when pinned). */
  readonly headers: Readonly<Record<string, string>>;
  /** Client-side timeout, seconds (the call's `timeoutSeconds`, else the caller tenant's route timeout). */
  readonly timeoutSeconds: number;
  /** Client-side retries after the first attempt (the call's `retries`, else 0; the gateway retries too). */
  readonly retries: number;
  /** Version to call when the pinned one fails, with its headers; null when none. */
  readonly fallback: { readonly version: string; readonly headers: Readonly<Record<string, string>> } | null;
  /** Same as `fallback.headers` (kept for clients of the first format). */
  readonly fallbackHeaders?: Readonly<Record<string, string>>;
  /** File holding the caller's internal JWT (mounted from the Secret `<agent>-a2a-token`). */
  readonly tokenFile: string;
  /**
   * A2A version to speak to the callee, from what it serves (its card's interfaces: agents on the
   * SDK 1.0 and 0.3, kagent agents 0.3): the SDK uses it without reading the callee's card, which
   * the skill route (an exact path) does not serve. Absent when the callee is not in the directory.
   */
  readonly protocolVersion?: '1.0' | '0.3';
}

/** The `A2A_CALLS` entries of an agent track. */
export function _a2aCalls(agent: IAgentTrack): A2aCallEntry[] {
  const t = agent.tenant;
  const versionOf = (key: string): '1.0' | '0.3' | undefined => {
    const kind = t.directory.get(key)?.kind;
    return kind === undefined ? undefined : servedProtocolVersions(kind).includes(A2A_V1) ? '1.0' : '0.3';
  };
  const pin = (v: string) => ({ [SKILL_VERSION_HEADER]: v });
  return agent.callSpecs.map((c: SkillCallSpec) => ({
    ref: `${c.tenant}/${c.agent}#${c.skill}`,
    agent: `${c.tenant}/${c.agent}`,
    skill: c.skill,
    url: `https://${t.platform.gatewayHost}${_skillPath(c.tenant, c.agent, c.skill)}`,
    version: c.version ?? null,
    headers: c.version ? pin(c.version) : {},
    timeoutSeconds: c.timeoutSeconds ?? t.routeTimeoutSeconds,
    retries: c.retries ?? 0,
    fallback: c.fallbackVersion ? { version: c.fallbackVersion, headers: pin(c.fallbackVersion) } : null,
    ...(c.fallbackVersion ? { fallbackHeaders: pin(c.fallbackVersion) } : {}),
    tokenFile: A2A_TOKEN_PATH,
    ...(versionOf(`${c.tenant}/${c.agent}`) ? { protocolVersion: versionOf(`${c.tenant}/${c.agent}`)! } : {}),
  }));
}
