import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { _agentMeta } from './_agent-meta';
import { _tenantInternals } from './_tenant-internals';
import { _emitTyped } from './_typed-manifest';
import type { AgentSkillSpec } from './agent-props';
import { A2A_FALLBACK_SKILL_HEADER, A2A_PORT, A2A_ROUTE_HEADER, A2A_SKILL_HEADER, a2aConsumer, CanaryTraffic, IAgentTrack, PUBLIC_CONSUMER } from './contracts';
import { LABEL } from './labels';
import { _ResolvedFallback, _retryAnnotations, _skillRouteAnnotations, A2A_TRACE_HEADERS, SKILL_VERSION_HEADER } from './skill-resilience';

/** Public chat route path of an agent (end users, public issuer). */
export function _chatPath(tenant: string, agent: string): string {
  return `/api/v1/agents/${tenant}/${agent}/chat`;
}

/** Internal A2A route path of an agent, the `url` of its stable AgentCard (agents, internal issuer). */
export function _agentA2aPath(tenant: string, agent: string): string {
  return `/api/v1/internal/a2a/${tenant}/${agent}`;
}

/** Internal A2A route path of one version of an agent, the `url` of a canary's AgentCard. */
export function _versionA2aPath(tenant: string, agent: string, version: string): string {
  return `/api/v1/internal/a2a/${tenant}/${agent}/versions/${version}`;
}

/**
 * The `url` of an agent track's AgentCard: its internal A2A route on the gateway (a canary's
 * is its version's route). The controller checks cards against this very function.
 */
export function agentCardUrl(gatewayHost: string, tenant: string, agent: string, track: string, version: string): string {
  return `https://${gatewayHost}${track === 'canary' ? _versionA2aPath(tenant, agent, version) : _agentA2aPath(tenant, agent)}`;
}

/** Header kagent's `proxy.url` adds with the original `<agent>.<namespace>` host of an agent tool. */
export const KAGENT_PROXY_HOST_HEADER = 'x-kagent-host';

/** The gateway's in-cluster URL (kagent `proxy.url`). */
export function _gatewayInternalUrl(f: { readonly gatewayInternalUrl?: string; readonly gatewayNamespace: string; readonly clusterDomain: string }): string {
  return f.gatewayInternalUrl ?? `http://higress-gateway.${f.gatewayNamespace}.svc.${f.clusterDomain}`;
}

/** Internal A2A route path of a skill (agents, internal issuer). */
export function _skillPath(tenant: string, agent: string, skill: string): string {
  return `/api/v1/internal/a2a/${tenant}/${agent}/${skill}`;
}

/**
 * Higress header control: `X-A2A-Skill` and `X-A2A-Fallback-Skill` are the gateway's, never the
 * caller's (update = Envoy `set`, one `name value` per line; remove drops a caller's copy).
 */
export function _skillHeaderAnnotations(skill: string | undefined, alsoRemove: readonly string[] = [], fallbackSkill?: string): Record<string, string> {
  if (skill === undefined) return { 'higress.io/request-header-control-remove': [...alsoRemove, A2A_SKILL_HEADER, A2A_FALLBACK_SKILL_HEADER].join(',') };
  const update = [`${A2A_SKILL_HEADER} ${skill}`, ...(fallbackSkill ? [`${A2A_FALLBACK_SKILL_HEADER} ${fallbackSkill}`] : [])];
  return {
    'higress.io/request-header-control-update': update.join('\n'),
    ...(fallbackSkill ? {} : { 'higress.io/request-header-control-remove': A2A_FALLBACK_SKILL_HEADER }),
  };
}

/** The skill id a cross-agent fallback lands on (a version fallback keeps the skill). */
function _fallbackSkillOf(f: _ResolvedFallback | undefined): string | undefined {
  return f?.kind === 'skill' ? f.ref.skill : undefined;
}

/** Props of {@link AgentRoutes}. */
export interface AgentRoutesProps {
  readonly skills: readonly AgentSkillSpec[];
  readonly fallbacks: Readonly<Record<string, _ResolvedFallback>>;
  readonly canaryTraffic?: CanaryTraffic;
}

/**
 * Gateway routes of an agent track: the public chat route and one internal route per skill
 * (Higress Ingresses), each registered with the tenant's jwt-auth rules (who may call it).
 */
export class AgentRoutes extends Construct {
  /** Every Ingress of each skill route (a canary track has one per selector). */
  public readonly skillIngresses: Record<string, string[]> = {};

  constructor(private readonly agent: Construct & IAgentTrack, id: string, private readonly props: AgentRoutesProps) {
    super(agent, id);
    const t = agent.tenant;
    const f = t.platform;
    const reg = _tenantInternals(t);
    // One Ingress per way a request reaches this track (see _canaryVariants); stable tracks have one.
    const ingress = (iid: string, name: string, path: string, extraLabels: Record<string, string>, extra: Record<string, string>,
      host = f.gatewayHost, pathType = 'Exact', variants: readonly _CanaryVariant[] = this._canaryVariants()): string[] => variants.map((v) => {
      _emitTyped(this, `${iid}${v.suffix}`, k8s.KubeIngress.GVK, k8s.toJson_KubeIngressProps, {
        metadata: _agentMeta(agent, `${name}${v.suffix}`, {
          annotations: {
            'higress.io/match-method': 'POST',
            'higress.io/rewrite-path': '/',
            'higress.io/timeout': String(t.routeTimeoutSeconds),
            ..._retryAnnotations(undefined, 0),
            'higress.io/route-limit-rpm': String(t.requestsPerMinute),
            ...this._deploymentOrder(),
            ...extra,
            ...v.annotations,
          },
        }),
        spec: {
          ingressClassName: f.ingressClass,
          tls: [{ hosts: [host], secretName: f.gatewayTlsSecret }],
          rules: [{
            host,
            http: { paths: [{ path, pathType, backend: { service: { name: agent.workloadName, port: { number: A2A_PORT } } } }] },
          }],
        },
      }, { ...agent.labels, ...extraLabels });
      return `${name}${v.suffix}`;
    });
    // End users are not agents: A2A lineage headers from outside are dropped (Higress header control).
    // End users reach chat only: the route marks its requests so the agent refuses A2A on them.
    const chat = ingress('route-chat', agent.ingressNames.chat, _chatPath(t.name, agent.name), {}, {
      ..._skillHeaderAnnotations(undefined, A2A_TRACE_HEADERS),
      'higress.io/request-header-control-update': `${A2A_ROUTE_HEADER} chat`,
    });
    reg.addRoutes({ ingresses: chat, allow: () => [PUBLIC_CONSUMER] });
    for (const s of props.skills) {
      const skill = s.id;
      const routes = ingress(`route-a2a-${skill}`, agent.ingressNames.skills[skill], _skillPath(t.name, agent.name, skill), { [LABEL.skill]: skill },
        { ...this._skillAnnotations(skill), ..._skillHeaderAnnotations(skill, [], _fallbackSkillOf(props.fallbacks[skill])) }, f.gatewayHost, 'Exact', this._canaryVariants(true));
      this.skillIngresses[skill] = routes;
      // Exactly the agents that declared a call to this skill (reverse edges of the directory).
      reg.addRoutes({ ingresses: routes, allow: () => t.directory.callersOf(agent.key, skill).map(a2aConsumer) });
    }
    // The AgentCard's url: the agent as a whole. No route names the skill there, so the agent takes it
    // from the message (caller-controlled): only callers that declared EVERY skill of this track may
    // use it, and a caller-sent X-A2A-Skill is removed. Callers of some skills use their skill routes
    // (A2A_CALLS[].url), which set X-A2A-Skill themselves.
    const skillIds = props.skills.map((s) => s.id);
    const callers = () => t.directory.callersOf(agent.key)
      .filter((c) => skillIds.every((s) => t.directory.callersOf(agent.key, s).includes(c))).map(a2aConsumer);
    const whole = ingress('route-a2a', agent.ingressNames.agent, _agentA2aPath(t.name, agent.name), {}, _skillHeaderAnnotations(undefined), f.gatewayHost, 'Exact', this._canaryVariants(true));
    reg.addRoutes({ ingresses: whole, allow: callers });
    if (agent.track === 'canary') {
      // A canary's card names this version's own route: reachable as that version, whatever the split.
      const version = ingress('route-a2a-version', agent.ingressNames.version!, _versionA2aPath(t.name, agent.name, agent.version), {}, _skillHeaderAnnotations(undefined), f.gatewayHost, 'Exact', [NOT_CANARY]);
      reg.addRoutes({ ingresses: version, allow: callers });
    }
    if (agent.kind === 'declarative' && agent.track === 'stable') {
      // kagent agent tools of declarative callers, proxied to the gateway (kagent `proxy.url`).
      const internalHost = new URL(_gatewayInternalUrl(f)).hostname;
      const kagent = ingress('route-kagent-a2a', agent.ingressNames.kagent!, '/', {}, {
        [`higress.io/exact-match-header-${KAGENT_PROXY_HOST_HEADER}`]: `${agent.name}.${t.namespace}`,
        // kagent's proxy.url is plain HTTP inside the cluster; TLS is served when the Secret holds a
        // certificate for the in-cluster host too (then set proxy.url to https).
        'higress.io/ssl-redirect': 'false',
        // kagent serves declarative agents itself; no caller names a skill to it either.
        ..._skillHeaderAnnotations(undefined),
      }, internalHost, 'Prefix', [NOT_CANARY]);
      reg.addRoutes({
        ingresses: kagent,
        allow: () => t.directory.callersOf(agent.key).filter((c) => t.directory.get(c)?.kind === 'declarative').map(a2aConsumer),
      });
    }
  }

  /**
   * Deployment-order hints for Pulumi's ConfigGroup: a route is applied after our own Service;
   * kagent creates a declarative agent's Service itself, so that route does not wait for it.
   */
  private _deploymentOrder(): Record<string, string> {
    return this.agent.kind === 'byo'
      ? { 'config.kubernetes.io/depends-on': `/namespaces/${this.agent.tenant.namespace}/Service/${this.agent.workloadName}` }
      : { 'pulumi.com/skipAwait': 'true' };
  }

  /** Resilience annotations of one skill route; canary routes also answer calls pinned to their version. */
  private _skillAnnotations(skill: string): Record<string, string> {
    const a = this.agent;
    const spec = this.props.skills.find((s) => s.id === skill)!;
    const f = this.props.fallbacks[skill];
    let backend: string | undefined;
    if (f?.kind === 'skill') backend = f.ref.agent;
    // A version fallback points at the other track; on the track serving that version it is a no-op.
    if (f?.kind === 'version' && f.version !== a.version) backend = a.track === 'stable' ? `${a.name}-canary` : a.name;
    return _skillRouteAnnotations(spec, backend, f?.onStatus, a.tenant.routeRetries);
  }

  /**
   * The canary Ingresses of one route of a canary track, one per selector, because Higress applies
   * one selector per canary Ingress: `Ingress.CanaryKind()` (pkg/ingress/kube/annotations/
   * annotations.go) makes an Ingress with a header or cookie a header canary and drops its weight,
   * and canary.go's `Parse` reads a cookie only when no header value is set. Several canary
   * Ingresses of one path compose (pkg/ingress/kube/ingressv1/controller.go `ApplyCanaryIngress`,
   * `isCanaryRoute`; v2.0.1 and HEAD): each header or cookie canary becomes its own route in front
   * of the stable one, and a weight canary splits the stable route itself. So "header or cookie
   * -> canary, otherwise the weight" is a header Ingress, a cookie Ingress and a weight Ingress.
   * `pinned` routes also answer calls pinned to this version (`X-A2A-Skill-Version`).
   */
  private _canaryVariants(pinned = false): _CanaryVariant[] {
    const c = this.props.canaryTraffic;
    if (this.agent.track !== 'canary' || !c) return [NOT_CANARY];
    const on = { 'higress.io/canary': 'true' };
    const variants: _CanaryVariant[] = [];
    const add = (suffix: string, annotations: Record<string, string>) => variants.push({ suffix: variants.length ? suffix : '', annotations: { ...on, ...annotations } });
    if (c.weight !== undefined) add('-by-weight', { 'higress.io/canary-weight': String(c.weight) });
    if (c.header) add('-by-header', { 'higress.io/canary-by-header': c.header, ...(c.headerValue ? { 'higress.io/canary-by-header-value': c.headerValue } : {}) });
    if (c.cookie) add('-by-cookie', { 'higress.io/canary-by-cookie': c.cookie });
    if (pinned) add('-pinned', { 'higress.io/canary-by-header': SKILL_VERSION_HEADER, 'higress.io/canary-by-header-value': this.agent.version });
    return variants;
  }
}

/** One Ingress of a route: a name suffix and its routing annotations. */
interface _CanaryVariant {
  readonly suffix: string;
  readonly annotations: Record<string, string>;
}

/** The one Ingress of a route that is no canary. */
const NOT_CANARY: _CanaryVariant = { suffix: '', annotations: {} };
