import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { _port, _quantities } from './_k8s-values';
import { _tcp } from './_network-peers';
import { _assertPinnedImage, _restrictedContainerSecurityContext, _restrictedPodSecurityContext } from './_security';
import { _emitTyped } from './_typed-manifest';
import { DEFAULT_KUBERNETES_API } from './agent-network';
import { a2aTokenContract, IAgentTrack, KubernetesApiEndpoint } from './contracts';
import { AGENT_CARD_ROLE, LABEL, MANAGED_BY } from './labels';

/** Settings of the agent-runtime controller (plain data: they are stack config keys). */
export interface RuntimeControllerSettings {
  /** Deploy the controller. Off: cards are registered only by `pulumi up` / `register`, no instances, no agent tokens. @default true */
  readonly enabled?: boolean;
  /** Pinned controller image (built by `runtime/controller/Dockerfile`). @default 'ghcr.io/agent-runtime/controller:0.1.0' */
  readonly image?: string;
  /** Replicas; one leads (Lease), the others wait. @default 2 */
  readonly replicas?: number;
  /** Secret in the platform namespace with keys `username` and `password` of the Nacos login. @default 'agent-runtime-controller-nacos' */
  readonly nacosAuthSecretName?: string;
  /** Secret in the platform namespace with `private-key.pem` (and during key rotation `previous-private-key.pem`) of the internal issuer. @default 'agent-runtime-internal-issuer' */
  readonly issuerKeySecretName?: string;
  /** Lifetime of agent tokens in seconds; rotated at 2/3 of it. @default 3600 */
  readonly tokenTtlSeconds?: number;
  /** `aud` of agent tokens. @default 'agent-runtime-gateway' */
  readonly tokenAudience?: string;
  /** Issue agent tokens (needs the issuer key Secret). @default true */
  readonly identity?: boolean;
}

/** Props of {@link RuntimeController}. */
export interface RuntimeControllerProps extends RuntimeControllerSettings {
  /** Platform namespace the controller runs in. */
  readonly namespace: string;
  /** Nacos client URL, e.g. `http://nacos.nacos.svc.cluster.local:8848`. */
  readonly nacosUrl: string;
  /** Labels of the Nacos pods and their namespace, for egress. */
  readonly registry: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>>; readonly port: number };
  /** The gateway's internal issuer (tokens carry `<issuer>/<tenant>/<agent>`). */
  readonly internalIssuer: string;
  /** The platform's `gatewayHost`: the controller accepts a card only with its tenant's route there as `url`. */
  readonly gatewayHost: string;
  /** @default - none */
  readonly priorityClassName?: string;
  /** The API server endpoints, for the egress NetworkPolicy (the platform's `kubernetesApi`). @default - any private address, port 6443 (as agents) */
  readonly kubernetesApi?: KubernetesApiEndpoint;
  /** Prometheus pods allowed to scrape the metrics port. @default - none (probes are not subject to NetworkPolicy) */
  readonly prometheus?: { readonly namespace: string; readonly podLabels?: Readonly<Record<string, string>> };
}

/** Names shared by the controller's Deployment and the per-tenant RBAC tenants emit. */
export const RUNTIME_CONTROLLER = { name: 'agent-runtime-controller', metricsPort: 8080 } as const;

/**
 * The agent-runtime controller: a 2-replica Deployment (Lease leader election) with a
 * least-privilege ServiceAccount (cluster-wide read of card ConfigMaps, EndpointSlices and
 * Deployments; the Lease and the issuer key Secret in its own namespace; token Secrets and
 * Events only through the Roles each {@link TenantNamespace} grants), restricted pod security,
 * health probes, Prometheus annotations and egress only to the API server and Nacos.
 *
 * @example new RuntimeController(this, 'controller', { namespace: 'agent-runtime', nacosUrl, registry, internalIssuer })
 */
export class RuntimeController extends Construct {
  public readonly image: string;
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: RuntimeControllerProps) {
    super(scope, id);
    this.image = props.image ?? 'ghcr.io/agent-runtime/controller:0.1.0';
    _assertPinnedImage(this.image, 'runtimeController.image');
    this.replicas = props.replicas ?? 2;
    if (!Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas > 5) {
      throw new Error(`runtimeController.replicas: ${this.replicas} is not allowed; use 1 to 5 (2 gives a warm standby; only the leader works)`);
    }
    const ttl = props.tokenTtlSeconds ?? 3600;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86400) {
      throw new Error(`runtimeController.tokenTtlSeconds: ${ttl} is not allowed; use 60 to 86400 seconds (short-lived tokens; e.g. 3600)`);
    }
    const api = props.kubernetesApi ?? DEFAULT_KUBERNETES_API;
    const apiServer = { cidrs: api.cidrs, ports: [api.port] };
    const ns = props.namespace;
    const name = RUNTIME_CONTROLLER.name;
    const labels = { [LABEL.managedBy]: MANAGED_BY, [LABEL.name]: name, [LABEL.component]: 'controller', [LABEL.partOf]: 'agent-runtime', [LABEL.role]: 'platform' };
    const podLabels = { [LABEL.name]: name, [LABEL.component]: 'controller' };
    const nacosSecret = props.nacosAuthSecretName ?? 'agent-runtime-controller-nacos';
    const keySecret = props.issuerKeySecretName ?? 'agent-runtime-internal-issuer';
    const identity = props.identity ?? true;
    const read = ['get', 'list', 'watch'];

    _emitTyped(this, 'service-account', k8s.KubeServiceAccount.GVK, k8s.toJson_KubeServiceAccountProps, { metadata: { name, namespace: ns }, automountServiceAccountToken: false }, labels);
    _emitTyped(this, 'cluster-role', k8s.KubeClusterRole.GVK, k8s.toJson_KubeClusterRoleProps, {
      metadata: { name },
      // Read only what the informers watch; writes go through the per-tenant Roles. Namespaces:
      // their labels say which are tenant namespaces (the trust root of every card).
      rules: [
        { apiGroups: [''], resources: ['namespaces'], verbs: read },
        { apiGroups: ['kagent.dev'], resources: ['agents'], verbs: read },
        { apiGroups: [''], resources: ['configmaps'], verbs: read },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: read },
      ],
    }, labels);
    _emitTyped(this, 'cluster-role-binding', k8s.KubeClusterRoleBinding.GVK, k8s.toJson_KubeClusterRoleBindingProps, {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    }, labels);
    _emitTyped(this, 'role', k8s.KubeRole.GVK, k8s.toJson_KubeRoleProps, {
      metadata: { name, namespace: ns },
      rules: [
        // `create` cannot be limited by name; get/update only touch the controller's own Lease.
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [name], verbs: ['get', 'update'] },
        ...(identity ? [{ apiGroups: [''], resources: ['secrets'], resourceNames: [keySecret], verbs: ['get'] }] : []),
      ],
    }, labels);
    _emitTyped(this, 'role-binding', k8s.KubeRoleBinding.GVK, k8s.toJson_KubeRoleBindingProps, {
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    }, labels);

    const args = [
      'controller',
      '--gateway-host', props.gatewayHost,
      '--nacos', props.nacosUrl,
      '--namespace', ns,
      '--listen', `0.0.0.0:${RUNTIME_CONTROLLER.metricsPort}`,
      ...(identity ? ['--internal-issuer', props.internalIssuer, '--signing-keys-from', keySecret, '--token-ttl', String(ttl), '--audience', props.tokenAudience ?? 'agent-runtime-gateway'] : ['--no-identity']),
    ];
    const probe = (path: string): k8s.Probe => ({ httpGet: { path, port: _port('metrics') }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    this.node.defaultChild = _emitTyped(this, 'deployment', k8s.KubeDeployment.GVK, k8s.toJson_KubeDeploymentProps, {
      metadata: { name, namespace: ns },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: podLabels },
        // Never two leaders' worth of pods fighting for the Lease during a rollout: one at a time.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: _port(1), maxSurge: _port(0) } },
        template: {
          metadata: {
            labels: { ...labels, ...podLabels },
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(RUNTIME_CONTROLLER.metricsPort), 'prometheus.io/path': '/metrics' },
          },
          spec: {
            serviceAccountName: name,
            // The controller talks to the API server: it is the one pod here that needs a token.
            automountServiceAccountToken: true,
            securityContext: _restrictedPodSecurityContext(),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            terminationGracePeriodSeconds: 30,
            affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: podLabels } } }] } },
            containers: [{
              name: 'controller',
              image: this.image,
              imagePullPolicy: 'IfNotPresent',
              args,
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'NACOS_USERNAME', valueFrom: { secretKeyRef: { name: nacosSecret, key: 'username' } } },
                { name: 'NACOS_PASSWORD', valueFrom: { secretKeyRef: { name: nacosSecret, key: 'password' } } },
                { name: 'NODE_OPTIONS', value: '--max-old-space-size=384' },
              ],
              ports: [{ name: 'metrics', containerPort: RUNTIME_CONTROLLER.metricsPort, protocol: 'TCP' }],
              livenessProbe: probe('/healthz'),
              readinessProbe: probe('/readyz'),
              // Logs (the kubelet rotates them at 5 x 10Mi) and /tmp; the platform namespace has no LimitRange.
              resources: {
                requests: _quantities({ cpu: '250m', memory: '256Mi', 'ephemeral-storage': '64Mi' }),
                limits: _quantities({ cpu: '1', memory: '512Mi', 'ephemeral-storage': '256Mi' }),
              },
              securityContext: _restrictedContainerSecurityContext(),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    }, labels);
    _emitTyped(this, 'pdb', k8s.KubePodDisruptionBudget.GVK, k8s.toJson_KubePodDisruptionBudgetProps, {
      metadata: { name, namespace: ns },
      spec: { minAvailable: _port(1), selector: { matchLabels: podLabels } },
    }, labels);
    _emitTyped(this, 'egress', k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, {
      metadata: { name: `${name}-egress`, namespace: ns },
      spec: {
        podSelector: { matchLabels: podLabels },
        policyTypes: ['Egress'],
        egress: [
          { to: apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: _tcp(...apiServer.ports) },
          { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.registry.namespace } }, podSelector: { matchLabels: { ...props.registry.podLabels } } }], ports: _tcp(props.registry.port) },
        ],
      },
    }, labels);
    if (props.prometheus) {
      // The namespace denies ingress by default; the kubelet's probes are not subject to it, scrapers are.
      _emitTyped(this, 'scrape', k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, {
        metadata: { name: `${name}-scrape`, namespace: ns },
        spec: {
          podSelector: { matchLabels: podLabels },
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.prometheus.namespace } }, ...(props.prometheus.podLabels ? { podSelector: { matchLabels: { ...props.prometheus.podLabels } } } : {}) }],
            ports: _tcp(RUNTIME_CONTROLLER.metricsPort),
          }],
        },
      }, labels);
    }
  }
}

/**
 * The Role and RoleBinding a tenant grants the controller in its namespace: get and update the
 * agents' token Secrets by name (never create, list or any other Secret: creating Secrets could
 * mint ServiceAccount tokens), record Events on card ConfigMaps, and patch the tenant's kagent
 * Agents by name (the token-fingerprint label only, by server-side apply, so kagent re-translates
 * a rotated token). Nothing else, nowhere else.
 */
export function _emitControllerTenantAccess(scope: Construct, tenantNamespace: string, controller: { readonly namespace: string }, labels: Record<string, string>): void {
  const name = RUNTIME_CONTROLLER.name;
  const tokenSecrets = () => Chart.of(scope).node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Secret' && c.metadata.namespace === tenantNamespace && c.metadata.getLabel(LABEL.role) === A2A_TOKEN_ROLE)
    .map((o) => o.name)
    .sort();
  const kagentAgents = () => Chart.of(scope).node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Agent' && c.apiVersion.startsWith('kagent.dev/') && c.metadata.namespace === tenantNamespace)
    .map((o) => o.name)
    .sort();
  _emitTyped(scope, 'runtime-controller-role', k8s.KubeRole.GVK, k8s.toJson_KubeRoleProps, { metadata: { name, namespace: tenantNamespace } }, labels, {
    rules: () => {
      const secrets = tokenSecrets();
      const agents = kagentAgents();
      return [
        // An empty resourceNames would mean every Secret: no agents, no Secret rule.
        ...(secrets.length ? [{ apiGroups: [''], resources: ['secrets'], resourceNames: secrets, verbs: ['get', 'update', 'patch'] }] : []),
        ...(agents.length ? [{ apiGroups: ['kagent.dev'], resources: ['agents'], resourceNames: agents, verbs: ['patch'] }] : []),
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ];
    },
  });
  _emitTyped(scope, 'runtime-controller-binding', k8s.KubeRoleBinding.GVK, k8s.toJson_KubeRoleBindingProps, {
    metadata: { name, namespace: tenantNamespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: controller.namespace }],
  }, labels);
}

/** Role label value of agent token Secrets. */
export const A2A_TOKEN_ROLE = 'a2a-token';

/**
 * The token Secret of one agent (both tracks share it, see {@link a2aTokenContract}), empty: the
 * controller fills its data (fields these manifests never declare, so `pulumi up` and the
 * controller never fight over them). It exists up front so the controller needs no right to
 * create Secrets. `awaitToken`: Pulumi waits until the controller issued the first token
 * ({@link _awaitTokenAnnotations}), so what depends on it is applied only then.
 */
export function _emitAgentTokenSecret(scope: Construct, props: { namespace: string; agent: string; labels: Record<string, string>; awaitToken?: boolean }): void {
  const c = a2aTokenContract(props.agent);
  _emitTyped(scope, 'a2a-token', k8s.KubeSecret.GVK, k8s.toJson_KubeSecretProps, {
    metadata: { name: c.secretName, namespace: props.namespace, ...(props.awaitToken ? { annotations: { 'pulumi.com/waitFor': `jsonpath={.data.${c.authorizationKey}}` } } : {}) },
    type: 'Opaque',
  }, { ...props.labels, [LABEL.role]: A2A_TOKEN_ROLE });
}

/**
 * A declarative caller's kagent Agent is applied only after its first token exists: kagent v0.9.12
 * resolves `headersFrom` once per reconcile and, finding no key, marks the Agent not Accepted
 * and does not come back on its own (it watches no Secret). Pulumi (yaml/v2 ConfigGroup) applies
 * an object after the ones its `config.kubernetes.io/depends-on` names, once they are ready; the
 * token Secret is ready when `pulumi.com/waitFor` holds, that is when the controller wrote the key.
 * Applied another way (kubectl), the controller's token-fingerprint label makes kagent translate
 * the Agent again as soon as the first token lands.
 */
export function _awaitTokenAnnotations(namespace: string, agent: string): Record<string, string> {
  return { 'config.kubernetes.io/depends-on': `/namespaces/${namespace}/Secret/${a2aTokenContract(agent).secretName}` };
}

/** Whether an agent track's kagent Agent waits for its first token: a declarative caller, on a platform whose controller issues tokens. */
export function _awaitsFirstToken(agent: IAgentTrack): boolean {
  const controller = agent.tenant.platform.runtimeController;
  return agent.kind === 'declarative' && agent.calls.length > 0 && controller !== undefined && controller.identity !== false;
}

/** Label selector of the card ConfigMaps the controller watches (documentation and tests). */
export const CONTROLLER_CARD_SELECTOR = `${LABEL.role}=${AGENT_CARD_ROLE}`;
