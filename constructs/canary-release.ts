import { Construct } from 'constructs';
import { Agent, AgentProps, AgentResources, AgentScaling, ByoAgentSpec, DeclarativeAgentSpec } from './agent';
import type { _AgentTrackProps } from './agent-props';
import type { CanaryTraffic, ITenantNamespace } from './contracts';
import { ConstructError, ConstructProblem, mapValidationProblems, PropProblems } from './errors';

export type { CanaryTraffic } from './contracts';

/** One version of the released agent; fields here override the shared agent props. */
export interface CanaryVersion {
  /** AgentCard version; differs between stable and canary. */
  readonly version: string;
  /** @default - the agent's `byo` */
  readonly byo?: ByoAgentSpec;
  /** @default - the agent's `declarative` */
  readonly declarative?: DeclarativeAgentSpec;
  /** @default - the agent's `resources` */
  readonly resources?: AgentResources;
  /** @default - the agent's `scaling` */
  readonly scaling?: AgentScaling;
}

/** Props of {@link CanaryRelease}. */
export interface CanaryReleaseProps {
  readonly tenant: ITenantNamespace;
  /** What both versions share (name, skills, calls, ...). */
  readonly agent: Omit<AgentProps, 'tenant' | 'version'>;
  /** The version serving traffic by default; its AgentCard is marked latest. */
  readonly stable: CanaryVersion;
  /** The version under test; its AgentCard is never marked latest. */
  readonly canary: CanaryVersion;
  /** Traffic split. */
  readonly traffic: CanaryTraffic;
}

/**
 * Stable and canary versions of one agent: two workloads (`<agent>` and `<agent>-canary`), two
 * AgentCards (only stable is latest), and Higress canary Ingresses next to the stable routes.
 * Object names follow the track, never the version, so promotion rolls the stable workload
 * forward in place instead of replacing it.
 *
 * @example tenant.addCanaryRelease({ agent: { name: 'chat', ... }, stable: { version: '1.0.0' }, canary: { version: '1.1.0' }, traffic: { weight: 10 } })
 */
export class CanaryRelease extends Construct {
  /**
   * Props after promotion: the canary becomes stable, the old stable stays as a canary with no traffic.
   *
   * @example new CanaryRelease(scope, 'chat', CanaryRelease.promote(props))
   */
  public static promote<P extends Omit<CanaryReleaseProps, 'tenant'>>(props: P): P {
    return { ...props, stable: props.canary, canary: props.stable, traffic: { weight: 0 } };
  }

  /**
   * Props after a rollback: the canary gets no traffic at all.
   *
   * @example new CanaryRelease(scope, 'chat', CanaryRelease.rollback(props))
   */
  public static rollback<P extends Omit<CanaryReleaseProps, 'tenant'>>(props: P): P {
    return { ...props, traffic: { weight: 0 } };
  }

  public readonly stable: Agent;
  public readonly canary: Agent;
  public readonly traffic: CanaryTraffic;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    const problems = new PropProblems(this, 'canary release');
    if (!props.stable?.version) {
      problems.add(['stable', 'version'], undefined, `is missing; set stable: { version: '1.0.0', ... } (the version of agent "${props.agent?.name}" serving traffic today)`);
    }
    if (!props.canary?.version) {
      problems.add(['canary', 'version'], undefined, `is missing; set canary: { version: '1.1.0', ... } (the version of agent "${props.agent?.name}" under test)`);
    } else if (props.stable?.version === props.canary.version) {
      problems.add(['canary', 'version'], props.canary.version, 'is also the stable version; a canary needs a new version (Nacos keys cards by version)');
    }
    const t = props.traffic ?? {};
    if (t.weight === undefined && !t.header && !t.cookie) {
      problems.add(['traffic'], undefined, 'selects nothing; set traffic.weight (0-100), traffic.header or traffic.cookie');
    }
    if (t.weight !== undefined && (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > 100)) {
      problems.add(['traffic', 'weight'], t.weight, 'is not allowed; use an integer from 0 to 100 (0 rolls back)');
    }
    if (t.headerValue && !t.header) {
      problems.add(['traffic', 'headerValue'], t.headerValue, 'is set without traffic.header; name the header, e.g. header: \'x-user-group\'');
    }
    this.traffic = t;
    const version = (v: CanaryVersion) => ({
      version: v.version,
      ...(v.byo ? { byo: v.byo } : {}),
      ...(v.declarative ? { declarative: v.declarative } : {}),
      ...(v.resources ? { resources: v.resources } : {}),
      ...(v.scaling ? { scaling: v.scaling } : {}),
    });
    // Both tracks are built (so every problem of both is known) before any is thrown.
    const track = (name: 'stable' | 'canary', own: CanaryVersion): Agent | undefined => problems.collect(() => {
      const trackProps: AgentProps & _AgentTrackProps = {
        ...props.agent, ...version(own), tenant: props.tenant, track: name, ...(name === 'canary' ? { canaryTraffic: t } : {}),
      };
      try {
        const agent = new Agent(this, name, trackProps);
        mapValidationProblems(agent, (p) => this._asReleaseProblem(p, name, own));
        return agent;
      } catch (e) {
        throw ConstructError.isConstructError(e) ? new ConstructError(e.problems.map((p) => this._asReleaseProblem(p, name, own))) : e;
      }
    });
    const stable = props.stable?.version ? track('stable', props.stable) : undefined;
    const canary = props.canary?.version ? track('canary', props.canary) : undefined;
    if (problems.length) throw new ConstructError(_unique(problems.problems), (p) => `canary release ${p.construct}`);
    this.stable = stable!;
    this.canary = canary!;
  }

  /**
   * A problem of one track's props as a problem of this release's props: under `stable.`/`canary.`
   * when that version sets the prop, else under `agent.` (the shared props); the track's canary
   * routing is `traffic`. Both tracks report a shared prop alike; one copy is kept.
   */
  private _asReleaseProblem(p: ConstructProblem, name: 'stable' | 'canary', own: CanaryVersion): ConstructProblem {
    const [head, ...rest] = p.propPath;
    const propPath = head === 'canaryTraffic' ? ['traffic', ...rest]
      : typeof head === 'string' && head in own && own[head as keyof CanaryVersion] !== undefined ? [name, ...p.propPath]
        : ['agent', ...p.propPath];
    return { ...p, construct: this.node.path, propPath };
  }
}

/** Problems without repeats (a shared prop refused by both tracks). */
function _unique(problems: readonly ConstructProblem[]): ConstructProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.construct, p.propPath, p.fix]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
