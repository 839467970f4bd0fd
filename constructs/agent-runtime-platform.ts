import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { cidrProblem } from './_cidr';
import { _assertPinnedImage } from './_security';
import { PropProblems } from './errors';
import { _dnsEgressRule, _NAMESPACE_NAME_LABEL, _tcp } from './_network-peers';
import { _emitTyped } from './_typed-manifest';
import { GatewayTracing, HigressConfig, HigressConfigProps } from './higress-config';
import { LABEL } from './labels';
import { NACOS_PORTS, NacosCluster, NacosClusterProps } from './nacos-cluster';
import type { KubernetesApiEndpoint } from './contracts';
import { PlatformFacts, PlatformTracingFacts } from './platform-facts';
import { _checkMaxRetries } from './retry-bounds';
import { RuntimeController, RuntimeControllerSettings } from './runtime-controller';
import { SandboxRuntimeClasses, SandboxRuntimeClassesProps } from './sandbox-runtime-classes';

/** Labels of the Higress gateway pods (set by the Higress Helm chart). */
export const HIGRESS_GATEWAY_POD_LABELS = { app: 'higress-gateway' } as const;

/** Gateway settings of the platform: the Higress configuration, less what the platform derives. */
export interface PlatformGatewayProps extends Pick<HigressConfigProps,
  'jwt' | 'tierRoutes' | 'redis' | 'ipAllow' | 'ipDeny' | 'waf' | 'promptProtection' | 'tracing' | 'mcpExportDomains' | 'pods'> {
  /** Rate-limit tiers tenants choose from. @default { standard: { requestsPerMinute: 600 } } */
  readonly rateLimitTiers?: HigressConfigProps['rateLimitTiers'];
  /** Nacos groups Higress discovers. @default ['DEFAULT_GROUP'] */
  readonly registryGroups?: readonly string[];
  /** Secret in `higress-system` with `nacosUsername`/`nacosPassword`. @default 'higress-nacos-auth' */
  readonly registryAuthSecretName?: string;
  /**
   * Higress reads Istio API objects (install Higress with `global.enableIstioAPI=true`); skills
   * may then declare circuit breaking (Istio DestinationRules).
   * @default false
   */
  readonly istioApi?: boolean;
}

/** Props of {@link AgentRuntimePlatform}. */
export interface AgentRuntimePlatformProps {
  /** Public host name of the gateway, e.g. `agents.example.com`. */
  readonly gatewayHost: string;
  /** TLS Secret of the gateway host, present in each tenant namespace. @default 'gateway-tls' */
  readonly gatewayTlsSecret?: string;
  readonly gateway: PlatformGatewayProps;
  /** @default - 3 servers, embedded storage */
  readonly nacos?: Omit<NacosClusterProps, 'namespace' | 'clusterDomain' | 'priorityClassName'>;
  /** @default - gvisor only */
  readonly runtimeClasses?: SandboxRuntimeClassesProps;
  /** Nacos namespace ids of the tenants, for gateway discovery. @default [] */
  readonly tenantNamespaces?: readonly string[];
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Pinned Pod Security version. @default 'v1.33' */
  readonly podSecurityVersion?: string;
  /** Registries images may come from. @default [] (any registry, pinned tags only) */
  readonly allowedRegistries?: readonly string[];
  /** Prometheus pods allowed to scrape agents. @default { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } } */
  readonly prometheus?: {
    readonly namespace: string;
    readonly podLabels?: Readonly<Record<string, string>>;
    /** Query API URL, for the KEDA triggers that wake agents scaled to zero. @default 'http://prometheus-operated.<namespace>.svc.<clusterDomain>:9090' */
    readonly url?: string;
  };
  /**
   * API server endpoints as pods reach them (`kubectl get endpoints kubernetes`); only agents that
   * claim sandboxes may reach them. @default { cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], port: 6443 }
   */
  readonly kubernetesApi?: KubernetesApiEndpoint;
  /**
   * Ranges excepted from every egress CIDR of agents and sandboxes that contains them, so that
   * `0.0.0.0/0` ("the internet") never reaches the pod or node range, cloud metadata or other
   * special-purpose addresses. Set it to add ranges (your own private ones); `[]` turns it off.
   * @default - the IANA IPv4 and IPv6 special-purpose registries (100.64.0.0/10, 169.254.0.0/16, RFC 1918, ...)
   */
  readonly internetEgressExcept?: readonly string[];
  /**
   * Refuse every image of a workload the platform emits (Nacos, the controller, BYO agents, sandboxes)
   * that is not pinned by digest (`...@sha256:<digest>`): a tag can be moved to other content.
   * @default false (the stack turns it on in staging and prod)
   */
  readonly requireImageDigests?: boolean;
  /** Maximum upstream retries a skill or call may declare. @default 3 */
  readonly maxRetries?: number;
  /** The agent-runtime controller (live Nacos registry, agent tokens). @default - deployed with its defaults */
  readonly runtimeController?: RuntimeControllerSettings;
}

/**
 * Tracing facts of agents from the gateway's tracing config (validated by HigressConfig): the
 * same collector and sampling.
 * The collector's namespace comes from its Service host (`<service>.<namespace>.svc...`).
 */
function _tracingFacts(t: GatewayTracing, clusterDomain: string): PlatformTracingFacts {
  const parts = t.service.split('.');
  if (parts.length < 2 || parts.some((p) => !p)) {
    throw new Error(`gateway.tracing.service: "${t.service}" does not name the collector's namespace; use its Service host "<service>.<namespace>.svc.${clusterDomain}", e.g. "otel-collector.observability.svc.${clusterDomain}"`);
  }
  const port = t.port ?? 4317;
  return { endpoint: `http://${t.service}:${port}`, samplingPercent: t.sampling, collectorNamespace: parts[1], collectorPort: port };
}

/** Namespaces the platform owns. */
export const PLATFORM_NAMESPACES = { platform: 'agent-runtime', registry: 'nacos', gateway: 'higress-system' } as const;

/** PriorityClasses: the registry outranks agents, agents outrank sandboxes. */
export const PRIORITY_CLASSES = {
  platform: { name: 'agent-runtime-platform', value: 100000 },
  agent: { name: 'agent-runtime-agent', value: 10000 },
  sandbox: { name: 'agent-runtime-sandbox', value: 1000 },
} as const;

/**
 * The shared core of an Agent Runtime: namespaces, the Nacos 3.1 registry cluster, Higress
 * configuration, sandbox RuntimeClasses, PriorityClasses and the platform NetworkPolicies.
 * Tenants receive its {@link facts} as plain data.
 *
 * @example
 * const platform = new AgentRuntimePlatform(chart, 'platform', {
 *   gatewayHost: 'agents.example.com',
 *   gateway: { jwt: { public: { issuer, jwks }, internal: { issuer: internalIssuer, jwks } } },
 * });
 */
export class AgentRuntimePlatform extends Construct {
  public readonly nacos: NacosCluster;
  public readonly higress: HigressConfig;
  public readonly runtimeClasses: SandboxRuntimeClasses;
  /** The agent-runtime controller, unless turned off. */
  public readonly controller?: RuntimeController;
  /** What tenants need to know about this platform. */
  public readonly facts: PlatformFacts;

  constructor(scope: Construct, id: string, props: AgentRuntimePlatformProps) {
    super(scope, id);
    if (!/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/.test(props.gatewayHost)) {
      throw new Error(`gatewayHost: "${props.gatewayHost}" is not a fully qualified host name; use e.g. "agents.example.com" (no scheme, no wildcard)`);
    }
    const psaVersion = props.podSecurityVersion ?? 'v1.33';
    if (!/^v1\.\d+$/.test(psaVersion)) {
      throw new Error(`podSecurityVersion: "${psaVersion}" is not a pinned Kubernetes minor version; use e.g. "v1.33" (not "latest")`);
    }
    _checkAllowedRegistries(props.allowedRegistries ?? []);
    _checkCidrList(props.internetEgressExcept ?? [], 'internetEgressExcept');
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    if (props.maxRetries !== undefined) _checkMaxRetries(props.maxRetries, 'maxRetries');
    const ns = PLATFORM_NAMESPACES;
    const labels = { [LABEL.role]: 'platform', [LABEL.partOf]: 'agent-runtime' };

    this.namespace(ns.platform, 'restricted', psaVersion, labels);
    this.namespace(ns.registry, 'restricted', psaVersion, labels);
    // The Higress chart's pods do not all meet `restricted`; enforce baseline, warn on restricted.
    this.namespace(ns.gateway, 'baseline', psaVersion, labels);

    for (const [key, pc] of Object.entries(PRIORITY_CLASSES)) {
      _emitTyped(this, `priority-${key}`, k8s.KubePriorityClass.GVK, k8s.toJson_KubePriorityClassProps, {
        metadata: { name: pc.name },
        value: pc.value,
        globalDefault: false,
        // Sandboxes wait for room instead of evicting others.
        ...(key === 'sandbox' ? { preemptionPolicy: 'Never' } : {}),
        description: `agent-runtime ${key} workloads`,
      }, labels);
    }

    this.nacos = new NacosCluster(this, 'nacos', {
      ...props.nacos,
      namespace: ns.registry,
      clusterDomain,
      priorityClassName: PRIORITY_CLASSES.platform.name,
    });

    const tiers = props.gateway.rateLimitTiers ?? { standard: { requestsPerMinute: 600 } };
    this.higress = new HigressConfig(this, 'higress', {
      namespace: ns.gateway,
      registry: {
        host: this.nacos.clientHost,
        port: NACOS_PORTS.http,
        namespaces: ['public', ...(props.tenantNamespaces ?? [])],
        groups: props.gateway.registryGroups,
        authSecretName: props.gateway.registryAuthSecretName,
      },
      jwt: props.gateway.jwt,
      rateLimitTiers: tiers,
      tierRoutes: props.gateway.tierRoutes,
      redis: props.gateway.redis,
      ipAllow: props.gateway.ipAllow,
      ipDeny: props.gateway.ipDeny,
      waf: props.gateway.waf,
      promptProtection: props.gateway.promptProtection,
      tracing: props.gateway.tracing,
      mcpExportDomains: props.gateway.mcpExportDomains,
      pods: props.gateway.pods,
    });

    this.runtimeClasses = new SandboxRuntimeClasses(this, 'runtime-classes', props.runtimeClasses);
    this.networkPolicies(labels);
    if (props.runtimeController?.enabled !== false) {
      this.controller = new RuntimeController(this, 'runtime-controller', {
        ...props.runtimeController,
        namespace: ns.platform,
        nacosUrl: `http://${this.nacos.clientHost}:${NACOS_PORTS.http}`,
        registry: { namespace: ns.registry, podLabels: this.nacos.podLabels, port: NACOS_PORTS.http },
        internalIssuer: props.gateway.jwt.internal.issuer,
        gatewayHost: props.gatewayHost,
        priorityClassName: PRIORITY_CLASSES.platform.name,
        prometheus: props.prometheus,
        kubernetesApi: props.kubernetesApi,
      });
    }
    if (props.requireImageDigests) {
      // The images these two run, defaults included, as the props that set them.
      _assertPinnedImage(this.nacos.image, 'nacos.image', [], true);
      if (this.controller) _assertPinnedImage(this.controller.image, 'runtimeController.image', [], true);
    }

    this.facts = {
      gatewayNamespace: ns.gateway,
      gatewayPodLabels: { ...HIGRESS_GATEWAY_POD_LABELS },
      gatewayHost: props.gatewayHost,
      gatewayTlsSecret: props.gatewayTlsSecret ?? 'gateway-tls',
      ingressClass: 'higress',
      registryNamespace: ns.registry,
      registryPodLabels: { ...this.nacos.podLabels },
      registryClientPorts: [NACOS_PORTS.http, NACOS_PORTS.clientRpc],
      registryHost: this.nacos.clientHost,
      jwt: {
        publicIssuer: props.gateway.jwt.public.issuer,
        publicJwks: props.gateway.jwt.public.jwks,
        ...(props.gateway.jwt.public.audience ? { publicAudience: props.gateway.jwt.public.audience } : {}),
        internalIssuer: props.gateway.jwt.internal.issuer,
        internalJwks: props.gateway.jwt.internal.jwks,
      },
      rateLimitTiers: tiers,
      sandboxRuntimeClasses: [...this.runtimeClasses.names],
      clusterDomain,
      podSecurityVersion: psaVersion,
      allowedRegistries: [...(props.allowedRegistries ?? [])],
      ...(props.gateway.tracing ? { tracing: _tracingFacts(props.gateway.tracing, clusterDomain) } : {}),
      ...(props.prometheus ? { prometheus: {
        namespace: props.prometheus.namespace,
        ...(props.prometheus.podLabels ? { podLabels: { ...props.prometheus.podLabels } } : {}),
        ...(props.prometheus.url ? { url: props.prometheus.url } : {}),
      } } : {}),
      ...(props.requireImageDigests ? { requireImageDigests: true } : {}),
      ...(props.internetEgressExcept ? { internetEgressExcept: [...props.internetEgressExcept] } : {}),
      ...(props.kubernetesApi ? { kubernetesApi: { cidrs: [...props.kubernetesApi.cidrs], port: props.kubernetesApi.port } } : {}),
      ...(props.gateway.istioApi ? { istioApi: true } : {}),
      ...(props.gateway.redis ? { redis: { ...props.gateway.redis } } : {}),
      ...(props.maxRetries !== undefined ? { maxRetries: props.maxRetries } : {}),
      ...(this.controller ? { runtimeController: { namespace: ns.platform, identity: props.runtimeController?.identity ?? true } } : {}),
    };
  }

  private namespace(name: string, level: 'restricted' | 'baseline', version: string, labels: Record<string, string>): void {
    _emitTyped(this, `namespace-${name}`, k8s.KubeNamespace.GVK, k8s.toJson_KubeNamespaceProps, {
      metadata: {
        name,
        labels: {
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
        },
      },
    }, labels);
  }

  /**
   * Default deny in the platform namespaces, then exactly the flows the platform needs:
   * Nacos peers talk on all four cluster ports; the gateway, the runtime and tenant agents
   * reach Nacos' client ports only; the gateway accepts traffic from anywhere on 80/443.
   */
  private networkPolicies(labels: Record<string, string>): void {
    const ns = PLATFORM_NAMESPACES;
    const nacosPods = { matchLabels: { ...this.nacos.podLabels } };
    const inNamespace = (name: string): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { [_NAMESPACE_NAME_LABEL]: name } } });
    const dns = _dnsEgressRule();
    const policy = (id: string, namespace: string, name: string, spec: k8s.NetworkPolicySpec) =>
      _emitTyped(this, `netpol-${id}`, k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, { metadata: { name, namespace }, spec }, labels);

    for (const namespace of [ns.platform, ns.registry]) {
      policy(`${namespace}-default-deny`, namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      policy(`${namespace}-dns`, namespace, 'allow-dns-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [dns] });
    }
    const peerPorts = _tcp(NACOS_PORTS.http, NACOS_PORTS.clientRpc, NACOS_PORTS.raftRpc, NACOS_PORTS.oldRaftRpc);
    policy('nacos-peers', ns.registry, 'nacos-peers', {
      podSelector: nacosPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: nacosPods }], ports: peerPorts }],
      egress: [{ to: [{ podSelector: nacosPods }], ports: peerPorts }],
    });
    policy('nacos-clients', ns.registry, 'nacos-clients', {
      podSelector: nacosPods,
      policyTypes: ['Ingress'],
      ingress: [{
        from: [
          inNamespace(ns.gateway),
          inNamespace(ns.platform),
          { namespaceSelector: { matchLabels: { [LABEL.role]: 'tenant' } } },
        ],
        ports: _tcp(NACOS_PORTS.http, NACOS_PORTS.clientRpc),
      }],
    });
    policy('runtime-to-nacos', ns.platform, 'allow-registry-egress', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ...inNamespace(ns.registry), podSelector: nacosPods }], ports: _tcp(NACOS_PORTS.http, NACOS_PORTS.clientRpc) }],
    });
    // Higress: only the gateway pods take outside traffic; the rest of the namespace talks to itself.
    policy('higress-default-deny', ns.gateway, 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    policy('higress-internal', ns.gateway, 'allow-same-namespace', {
      podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }],
    });
    policy('higress-public', ns.gateway, 'allow-gateway-traffic', {
      podSelector: { matchLabels: { ...HIGRESS_GATEWAY_POD_LABELS } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: _tcp(80, 443) }],
    });
  }
}

/**
 * `allowedRegistries` entries are image-reference prefixes (`ghcr.io`, `ghcr.io/acme`, `nacos`),
 * matched against images as written: a URL (`https://ghcr.io`) would match no image, and every
 * image would then be blamed for the entry's mistake.
 */
function _checkAllowedRegistries(registries: readonly string[]): void {
  const problems = new PropProblems('platform', 'platform');
  registries.forEach((r, i) => {
    const bare = String(r).replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    if (typeof r !== 'string' || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*$/.test(r)) {
      const fix = bare !== r && /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/.test(bare) ? `write "${bare}"` : 'write a registry host with an optional path, e.g. "ghcr.io" or "ghcr.io/acme"';
      problems.add(['allowedRegistries', i], r, `is not a registry prefix of image references (no scheme, no trailing "/", lowercase); ${fix}`);
    }
  });
  problems.throwIfAny();
}

/** Every entry of a list of CIDRs is one. */
function _checkCidrList(list: readonly string[], prop: string): void {
  const problems = new PropProblems('platform', 'platform');
  list.forEach((c, i) => {
    const why = cidrProblem(c);
    if (why) problems.add([prop, i], c, `${why}; use a CIDR such as "100.64.0.0/10"`);
  });
  problems.throwIfAny();
}
