import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ScaledObject, toJson_ScaledObjectProps } from '../generated/imports/scaledobject-keda.sh';
import { SandboxWarmPool, toJson_SandboxWarmPoolProps } from '../generated/imports/sandboxwarmpool-extensions.agents.x-k8s.io';
import {
  SandboxTemplate, SandboxTemplateSpecNetworkPolicyEgressPortsPort, SandboxTemplateSpecNetworkPolicyIngressPortsPort,
  SandboxTemplateSpecNetworkPolicyManagement, SandboxTemplateSpecPodTemplateSpecResourcesLimits,
  SandboxTemplateSpecPodTemplateSpecResourcesRequests, SandboxTemplateSpecPodTemplateSpecVolumesEmptyDirSizeLimit, toJson_SandboxTemplateProps,
} from '../generated/imports/sandboxtemplate-extensions.agents.x-k8s.io';
import { _quantities } from './_k8s-values';
import { _emitTyped } from './_typed-manifest';
import { SPECIAL_PURPOSE_RANGES } from './_cidr';
import { _cidrEgressRules, _dnsEgressRule, _tcp, EgressCidr } from './_network-peers';
import { _parseQuantity } from './_quantity';
import { _assertPinnedImage, _isDnsLabel, _restrictedContainerSecurityContext, _restrictedPodSpecHeader } from './_security';
import { LABEL } from './labels';
import { _tenantInternals } from './_tenant-internals';
import type { IAgentTrack, ISandboxPool, ITenantNamespace, KedaTrigger } from './contracts';
import { PropProblems } from './errors';

/**
 * Annotation carrying a pool's sandbox lifetime. agent-sandbox v0.5.6 has no lifetime field on
 * SandboxTemplate or SandboxWarmPool: only a SandboxClaim has `lifecycle.shutdownTime` /
 * `ttlSecondsAfterFinished`, and claims are created by apps at run time. The pool states the
 * lifetime here; whatever creates claims (the agent) must copy it into `lifecycle`.
 */
export const SANDBOX_LIFETIME_ANNOTATION = 'agentruntime.io/sandbox-lifetime-seconds';

/** Sandbox container resources (requests = limits: sandboxes run untrusted, bursty code). */
export interface SandboxResources {
  /** @default '500m' */
  readonly cpu?: string;
  /** @default '512Mi' */
  readonly memory?: string;
  /** @default '1Gi' */
  readonly ephemeralStorage?: string;
}

/** KEDA scaling of the warm pool (SandboxWarmPool has a scale subresource). */
export interface SandboxPoolScaling {
  /** Upper bound of warm sandboxes. */
  readonly maxWarmReplicas: number;
  readonly trigger: KedaTrigger;
}

/** Props of {@link SandboxPool}. */
export interface SandboxPoolProps {
  readonly tenant: ITenantNamespace;
  /** Pool name, a DNS label unique within the tenant. */
  readonly name: string;
  /** Pinned sandbox image. */
  readonly image: string;
  /** RuntimeClass isolating the sandboxes; one of the platform's `sandboxRuntimeClasses`. */
  readonly runtimeClassName: string;
  /** Warm sandboxes kept ready. @default 1 */
  readonly warmReplicas?: number;
  /** Port agents reach the sandbox on. @default 8888 */
  readonly port?: number;
  /** @default - see {@link SandboxResources} */
  readonly resources?: SandboxResources;
  /** Destinations the sandboxes may reach besides DNS. @default - none (DNS only) */
  readonly egressAllowList?: readonly EgressCidr[];
  /** Sandbox lifetime in seconds (see {@link SANDBOX_LIFETIME_ANNOTATION}). @default 3600 */
  readonly lifetimeSeconds?: number;
  /** Optional KEDA scaling of the warm pool. @default - fixed `warmReplicas` */
  readonly scaling?: SandboxPoolScaling;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default 1000 */
  readonly runAsUser?: number;
}

/**
 * A pool of isolated sandboxes (agent-sandbox v1beta1): a SandboxTemplate with a gVisor/Kata
 * RuntimeClass, a restricted pod template and an explicit network policy (DNS + allow list; the
 * controller's default policy blocks DNS), plus a SandboxWarmPool.
 *
 * The same network rules are also emitted as a NetworkPolicy of the tenant, so the pool stays
 * isolated and working whatever the controller's `networkPolicyManagement` does.
 *
 * @example tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/py-sandbox:3.12.1', runtimeClassName: 'gvisor', egressAllowList: [{ cidr: '151.101.0.0/16' }] })
 */
export class SandboxPool extends Construct implements ISandboxPool {
  public readonly tenant: ITenantNamespace;
  public readonly name: string;
  public readonly runtimeClassName: string;
  public readonly warmReplicas: number;
  public readonly port: number;
  public readonly lifetimeSeconds: number;
  /** Name of the SandboxTemplate. */
  public readonly templateName: string;
  /** Name of the SandboxWarmPool (what claims reference). */
  public readonly warmPoolName: string;
  /** Labels of the sandbox pods. */
  public readonly podLabels: Readonly<Record<string, string>>;

  private readonly users: IAgentTrack[] = [];

  constructor(scope: Construct, id: string, props: SandboxPoolProps) {
    super(scope, id);
    const t = props.tenant;
    const problems = new PropProblems(this, 'sandbox pool');
    if (!_isDnsLabel(props.name ?? '') || props.name.length > 40) {
      throw problems.fail(['name'], props.name, 'is not a DNS label of at most 40 characters; use e.g. "code"');
    }
    const allowed = t.platform.sandboxRuntimeClasses;
    if (!props.runtimeClassName) {
      problems.add(['runtimeClassName'], undefined, `is required; sandboxes are isolated only by their RuntimeClass; use one of ${allowed.map((r) => `"${r}"`).join(', ')}`);
    } else if (!allowed.includes(props.runtimeClassName)) {
      problems.add(['runtimeClassName'], props.runtimeClassName, `is not a sandbox RuntimeClass of the platform; use one of ${allowed.map((r) => `"${r}"`).join(', ')}`);
    }
    problems.collect(() => _assertPinnedImage(props.image, { problems, path: ['image'] }, t.platform.allowedRegistries, t.platform.requireImageDigests));
    this.tenant = t;
    this.name = props.name;
    this.runtimeClassName = props.runtimeClassName;
    this.warmReplicas = props.warmReplicas ?? 1;
    this.port = props.port ?? 8888;
    this.lifetimeSeconds = props.lifetimeSeconds ?? 3600;
    this.templateName = props.name;
    this.warmPoolName = props.name;
    if (!Number.isInteger(this.warmReplicas) || this.warmReplicas < 0) {
      problems.add(['warmReplicas'], this.warmReplicas, 'is not allowed; use 0 (always cold start) or more');
    }
    if (!Number.isInteger(this.lifetimeSeconds) || this.lifetimeSeconds < 60) {
      problems.add(['lifetimeSeconds'], this.lifetimeSeconds, 'is not allowed; use a whole number of seconds >= 60');
    }
    const scaling = props.scaling;
    if (scaling && (!Number.isInteger(scaling.maxWarmReplicas) || scaling.maxWarmReplicas < Math.max(1, this.warmReplicas))) {
      problems.add(['scaling', 'maxWarmReplicas'], scaling.maxWarmReplicas, `is below warmReplicas ${this.warmReplicas} (or 1); use at least ${Math.max(1, this.warmReplicas)}`);
    }

    const r = { cpu: props.resources?.cpu ?? '500m', memory: props.resources?.memory ?? '512Mi', 'ephemeral-storage': props.resources?.ephemeralStorage ?? '1Gi' };
    const cpu = problems.collect(() => _parseQuantity(r.cpu, { problems, path: ['resources', 'cpu'] })) ?? 0;
    const memory = problems.collect(() => _parseQuantity(r.memory, { problems, path: ['resources', 'memory'] })) ?? 0;
    problems.collect(() => _parseQuantity(r['ephemeral-storage'], { problems, path: ['resources', 'ephemeralStorage'] }));
    problems.collect(() => _cidrEgressRules(props.egressAllowList ?? [], { problems, path: ['egressAllowList'] }, { refuseBroad: true }));
    problems.throwIfAny();

    const labels = t.labelsFor('sandbox', props.name, { [LABEL.sandboxPool]: props.name });
    this.podLabels = { [LABEL.tenant]: t.name, [LABEL.role]: 'sandbox', [LABEL.sandboxPool]: props.name };
    const annotations = { [SANDBOX_LIFETIME_ANNOTATION]: String(this.lifetimeSeconds) };
    // The pool's users are known once every agent is added: the specs naming them are produced at synth time.
    const ingress = (): k8s.NetworkPolicyIngressRule[] => {
      const from = this.users.filter((a) => a.tenant === t).map((a) => ({ podSelector: { matchLabels: { ...a.podLabels } } }));
      return from.length ? [{ from, ports: _tcp(this.port) }] : [];
    };
    const exceptRanges = t.platform.internetEgressExcept ?? SPECIAL_PURPOSE_RANGES;
    const egress = [_dnsEgressRule(), ..._cidrEgressRules(props.egressAllowList ?? [], { problems, path: ['egressAllowList'] }, { refuseBroad: true, exceptRanges })];

    this.node.defaultChild = _emitTyped(this, 'template', SandboxTemplate.GVK, toJson_SandboxTemplateProps, {
      metadata: { name: this.templateName, namespace: t.namespace, annotations },
    }, labels, { spec: () => ({
      podTemplate: {
        metadata: { labels: { ...labels, ...this.podLabels }, annotations },
        spec: {
          runtimeClassName: this.runtimeClassName,
          ..._restrictedPodSpecHeader(props.runAsUser ?? 1000),
          containers: [{
            name: 'sandbox',
            image: props.image,
            ...(props.command ? { command: [...props.command] } : {}),
            ports: [{ name: 'sandbox', containerPort: this.port, protocol: 'TCP' }],
            resources: {
              requests: _quantities(r, SandboxTemplateSpecPodTemplateSpecResourcesRequests.fromString),
              limits: _quantities(r, SandboxTemplateSpecPodTemplateSpecResourcesLimits.fromString),
            },
            securityContext: _restrictedContainerSecurityContext(),
            volumeMounts: [{ name: 'workspace', mountPath: '/workspace' }, { name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [
            { name: 'workspace', emptyDir: { sizeLimit: SandboxTemplateSpecPodTemplateSpecVolumesEmptyDirSizeLimit.fromString(r['ephemeral-storage']) } },
            { name: 'tmp', emptyDir: { sizeLimit: SandboxTemplateSpecPodTemplateSpecVolumesEmptyDirSizeLimit.fromString('64Mi') } },
          ],
        },
      },
      networkPolicyManagement: SandboxTemplateSpecNetworkPolicyManagement.MANAGED,
      networkPolicy: {
        ingress: _templateRules(ingress(), SandboxTemplateSpecNetworkPolicyIngressPortsPort),
        egress: _templateRules(egress, SandboxTemplateSpecNetworkPolicyEgressPortsPort),
      },
    }) });
    _emitTyped(this, 'warm-pool', SandboxWarmPool.GVK, toJson_SandboxWarmPoolProps, {
      metadata: { name: this.warmPoolName, namespace: t.namespace, annotations },
      spec: { replicas: this.warmReplicas, sandboxTemplateRef: { name: this.templateName } },
    }, labels);
    _emitTyped(this, 'network-policy', k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, {
      metadata: { name: `${props.name}-sandbox`, namespace: t.namespace },
    }, labels, { spec: () => ({ podSelector: { matchLabels: { ...this.podLabels } }, policyTypes: ['Ingress', 'Egress'], ingress: ingress(), egress }) });
    if (scaling) {
      _emitTyped(this, 'scaled-object', ScaledObject.GVK, toJson_ScaledObjectProps, {
        metadata: { name: `${props.name}-warm-pool`, namespace: t.namespace },
        spec: {
          scaleTargetRef: { ...SandboxWarmPool.GVK, name: this.warmPoolName },
          minReplicaCount: this.warmReplicas,
          maxReplicaCount: scaling.maxWarmReplicas,
          triggers: [{ type: scaling.trigger.type, metadata: { ...scaling.trigger.metadata } }],
        },
      }, labels);
    }
    const pods = scaling?.maxWarmReplicas ?? this.warmReplicas;
    // Claimed sandboxes beyond the warm pool are cold-started and not counted here.
    _tenantInternals(t).addWorkload({
      kind: 'sandbox pool', name: props.name, track: 'stable', path: this.node.path,
      footprint: { pods, requestsCpu: cpu * pods, requestsMemory: memory * pods, limitsCpu: cpu * pods, limitsMemory: memory * pods, gpus: 0 },
    });
  }

  /** Lets an agent reach the pool's sandboxes (called by the agent that uses the pool). */
  public _addUser(agent: IAgentTrack): void {
    this.users.push(agent);
  }
}

/**
 * NetworkPolicy rules as the SandboxTemplate's own types: its CRD import has its own port class
 * (`port` of `IntOrString`), the rest of a rule has the same shape.
 */
function _templateRules<R extends { readonly ports?: k8s.NetworkPolicyPort[] }, P>(
  rules: readonly R[], portClass: { fromNumber(v: number): P; fromString(v: string): P },
) {
  return rules.map((r) => ({
    ...r,
    ports: r.ports?.map((p) => ({
      ...p,
      port: p.port === undefined ? undefined : typeof p.port.value === 'number' ? portClass.fromNumber(p.port.value) : portClass.fromString(p.port.value),
    })),
  }));
}
