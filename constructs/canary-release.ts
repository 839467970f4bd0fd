import { Construct } from 'constructs';
import { Agent, AgentProps, AgentResources, AgentScaling, ByoAgentSpec, DeclarativeAgentSpec } from './agent';
import type { CanaryTraffic, ITenantNamespace } from './contracts';

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
  readonly agent: Omit<AgentProps, 'tenant' | 'version' | 'track' | 'canaryTraffic'>;
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
    const name = props.agent?.name;
    const where = `canary release ${this.node.path}`;
    if (!props.stable?.version) {
      throw new Error(`${where}: the stable version of agent "${name}" is missing; set stable: { version: '1.0.0', ... } (the version serving traffic today)`);
    }
    if (!props.canary?.version) {
      throw new Error(`${where}: the canary version of agent "${name}" is missing; set canary: { version: '1.1.0', ... }`);
    }
    if (props.stable.version === props.canary.version) {
      throw new Error(`${where}: stable and canary both have version "${props.stable.version}"; a canary needs a new version (Nacos keys cards by version)`);
    }
    const t = props.traffic ?? {};
    if (t.weight === undefined && !t.header && !t.cookie) {
      throw new Error(`${where}: traffic selects nothing; set traffic.weight (0-100), traffic.header or traffic.cookie`);
    }
    if (t.weight !== undefined && (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > 100)) {
      throw new Error(`${where}: traffic.weight ${t.weight} is not allowed; use an integer from 0 to 100 (0 rolls back)`);
    }
    if (t.headerValue && !t.header) {
      throw new Error(`${where}: traffic.headerValue "${t.headerValue}" is set without traffic.header; name the header, e.g. header: 'x-user-group'`);
    }
    this.traffic = t;
    const version = (v: CanaryVersion) => ({
      version: v.version,
      ...(v.byo ? { byo: v.byo } : {}),
      ...(v.declarative ? { declarative: v.declarative } : {}),
      ...(v.resources ? { resources: v.resources } : {}),
      ...(v.scaling ? { scaling: v.scaling } : {}),
    });
    this.stable = new Agent(this, 'stable', { ...props.agent, ...version(props.stable), tenant: props.tenant, track: 'stable' });
    this.canary = new Agent(this, 'canary', { ...props.agent, ...version(props.canary), tenant: props.tenant, track: 'canary', canaryTraffic: t });
  }
}
