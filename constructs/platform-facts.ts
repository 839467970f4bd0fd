/**
 * What tenants and agents need to know about the platform, as plain data. Tenant charts are
 * built in Apps of their own (cdk8s slows down past linear with many charts in one App), so
 * they receive these facts instead of a construct reference.
 */
export interface PlatformFacts {
  /** Namespace of the Higress gateway and of every WasmPlugin/McpBridge. @default 'higress-system' */
  readonly gatewayNamespace: string;
  /** Labels of the Higress gateway pods, for NetworkPolicy ingress rules. */
  readonly gatewayPodLabels: Readonly<Record<string, string>>;
  /** Public host of the gateway; agent routes are served on it. */
  readonly gatewayHost: string;
  /** TLS Secret (in each tenant namespace) for the gateway host. */
  readonly gatewayTlsSecret: string;
  /** Ingress class of the Higress gateway. @default 'higress' */
  readonly ingressClass: string;
  /** Namespace of the Nacos registry. */
  readonly registryNamespace: string;
  /** Labels of the Nacos pods, for NetworkPolicy egress rules. */
  readonly registryPodLabels: Readonly<Record<string, string>>;
  /** Client ports of Nacos that agents may reach (HTTP 8848, gRPC 9848). */
  readonly registryClientPorts: readonly number[];
  /** In-cluster DNS name of the Nacos client Service. */
  readonly registryHost: string;
  /** JWT issuers: `public` for user-facing chat routes, `internal` for agent-to-agent calls. */
  readonly jwt: {
    readonly publicIssuer: string;
    readonly publicJwks: string;
    /** `aud` required of end users' tokens, if set. */
    readonly publicAudience?: string;
    readonly internalIssuer: string;
    readonly internalJwks: string;
  };
  /** Rate-limit tiers the platform defines, by name; tenants pick one. */
  readonly rateLimitTiers: Readonly<Record<string, { readonly requestsPerMinute: number }>>;
  /** RuntimeClasses sandboxes may use (e.g. `gvisor`, `kata-qemu`). */
  readonly sandboxRuntimeClasses: readonly string[];
  /** Kubernetes cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain: string;
  /** Pinned Pod Security Admission version for `enforce-version`, e.g. `v1.33`. */
  readonly podSecurityVersion: string;
  /** Registries images may come from; `:latest` and untagged images are always refused. */
  readonly allowedRegistries: readonly string[];
  /**
   * OpenTelemetry collector agents export traces to (the gateway's tracing config).
   * @default - agents get no OTEL_* environment and no collector egress
   */
  readonly tracing?: PlatformTracingFacts;
  /** Prometheus pods that scrape agents' `metrics` port. @default { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } } */
  readonly prometheus?: { readonly namespace: string; readonly podLabels?: Readonly<Record<string, string>>; /** Query API URL (KEDA wake-up triggers). @default 'http://prometheus-operated.<namespace>.svc.<clusterDomain>:9090' */ readonly url?: string };
  /** Whether Higress reads Istio API objects (DestinationRules for circuit breaking). @default false */
  readonly istioApi?: boolean;
  /** Redis the gateway's plugins use (not skills' cacheTtlSeconds: the agent SDK caches those). @default - none */
  readonly redis?: { readonly serviceName: string; readonly servicePort?: number };
  /**
   * API server endpoints that agents claiming sandboxes reach (and only they).
   * @default { cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], port: 6443 }: any private address, API port only
   */
  readonly kubernetesApi?: { readonly cidrs: readonly string[]; readonly port: number };
  /** Every image must carry a digest (see AgentRuntimePlatformProps.requireImageDigests). @default false */
  readonly requireImageDigests?: boolean;
  /** Ranges excepted from every agent and sandbox egress CIDR that contains them. @default SPECIAL_PURPOSE_RANGES (the IANA special-purpose registries) */
  readonly internetEgressExcept?: readonly string[];
  /** In-cluster URL of the gateway (its Service), which kagent's agent tools are proxied through. @default 'http://higress-gateway.<gatewayNamespace>.svc.<clusterDomain>' */
  readonly gatewayInternalUrl?: string;
  /** Maximum upstream retries a skill or call may declare. @default 3 */
  readonly maxRetries?: number;
  /** The agent-runtime controller; tenants grant it token Secrets and Events. @default - not deployed */
  readonly runtimeController?: { readonly namespace: string; /** It issues agent tokens. @default true */ readonly identity?: boolean };
}

/** Where agents send traces. */
export interface PlatformTracingFacts {
  /** OTLP gRPC endpoint, e.g. `http://otel-collector.observability.svc.cluster.local:4317`. */
  readonly endpoint: string;
  /** Percentage of new traces sampled, 0-100 (parent-based: a sampled caller's trace is kept). */
  readonly samplingPercent: number;
  /** Namespace of the collector, for the agents' egress NetworkPolicy. */
  readonly collectorNamespace: string;
  /** Port of the collector. */
  readonly collectorPort: number;
}
