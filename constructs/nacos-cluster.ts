import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { _port, _quantities } from './_k8s-values';
import { _parseQuantity } from './_quantity';
import { propError, PropProblems } from './errors';
import { _assertPinnedImage, _restrictedContainerSecurityContext, _restrictedPodSecurityContext } from './_security';
import { _emitTyped } from './_typed-manifest';
import { LABEL } from './labels';

/** The Nacos image line this package supports (the A2A registry first shipped in 3.1.0). */
export const NACOS_IMAGE = 'nacos/nacos-server:v3.1.2';

/** Ports of a Nacos 3.1 server (see the Nacos-on-Kubernetes reference card, §5). */
export const NACOS_PORTS = { http: 8848, clientRpc: 9848, raftRpc: 9849, oldRaftRpc: 7848, console: 8080 } as const;

/** Where Nacos keeps its data. */
export type NacosStorage =
  | { readonly mode: 'embedded'; readonly size?: string; readonly storageClassName?: string }
  | {
    readonly mode: 'mysql';
    readonly host: string;
    readonly port?: number;
    readonly database: string;
    /** Secret with keys `username` and `password`. */
    readonly secretName: string;
    readonly params?: string;
  };

/** Props of {@link NacosCluster}. */
export interface NacosClusterProps {
  /** Namespace of the cluster. @default 'nacos' */
  readonly namespace?: string;
  /** Number of servers; odd, so JRaft always has a majority. @default 3 */
  readonly replicas?: number;
  /** Pinned `nacos/nacos-server:v3.1.x` image. @default NACOS_IMAGE */
  readonly image?: string;
  /**
   * Secret holding `token` (Base64 of >= 32 bytes), `identityKey` and `identityValue`.
   * Nacos 3 refuses to start without them; they never appear as literals.
   * @default 'nacos-auth'
   */
  readonly authSecretName?: string;
  /** Auth token lifetime in seconds. @default 18000 */
  readonly tokenTtlSeconds?: number;
  /** Storage mode. @default { mode: 'embedded', size: '10Gi' } */
  readonly storage?: NacosStorage;
  /** CPU and memory. @default requests 500m / 2Gi, limits 2 / 2Gi */
  readonly resources?: { readonly cpuRequest?: string; readonly cpuLimit?: string; readonly memory?: string };
  /** JVM heap (Xms = Xmx); keep it well below the memory limit. @default '1g' */
  readonly heap?: string;
  /** `required` spreads servers over nodes strictly (production); `preferred` allows sharing. @default 'required' */
  readonly antiAffinity?: 'required' | 'preferred';
  /** Cluster DNS domain for the peer list. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** PriorityClass of the pods. @default - none */
  readonly priorityClassName?: string;
}

/**
 * A Nacos 3.1 cluster as a StatefulSet: static peer list over stable pod DNS names, auth on,
 * embedded (JRaft-replicated) storage on per-pod volumes or MySQL, headless and client
 * Services, a quorum-keeping PDB and anti-affinity.
 *
 * @example new NacosCluster(chart, 'nacos', { replicas: 3 });
 */
export class NacosCluster extends Construct {
  /** Name of the StatefulSet and of the client Service. */
  public readonly name = 'nacos';
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly image: string;
  public readonly headlessServiceName = 'nacos-headless';
  /** Labels of the Nacos pods. */
  public readonly podLabels: Record<string, string>;
  /** In-cluster DNS name of the client Service. */
  public readonly clientHost: string;
  /** Stable DNS names of every server, `host:port`, as written to `NACOS_SERVERS`. */
  public readonly peers: string[];

  constructor(scope: Construct, id: string, props: NacosClusterProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? 'nacos';
    this.replicas = props.replicas ?? 3;
    this.image = props.image ?? NACOS_IMAGE;
    if (!Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas % 2 === 0) {
      throw new Error(`nacos.replicas: ${this.replicas} is not allowed; use an odd number (1 for a throwaway dev cluster, 3 or 5 otherwise) so JRaft keeps a majority`);
    }
    _assertPinnedImage(this.image, 'nacos.image');
    if (!/^([^/]+\/)*nacos\/nacos-server:v3\.1\.\d+(-slim)?(@sha256:[0-9a-f]{64})?$/.test(this.image)) {
      throw new Error(`nacos.image: "${this.image}" is not a Nacos 3.1 server image; use nacos/nacos-server:v3.1.x, e.g. "${NACOS_IMAGE}"`);
    }
    _checkHeap(props.heap ?? '1g', props.resources?.memory ?? '2Gi');
    const domain = props.clusterDomain ?? 'cluster.local';
    this.podLabels = { [LABEL.name]: 'nacos', [LABEL.component]: 'registry' };
    this.clientHost = `${this.name}.${this.namespace}.svc.${domain}`;
    this.peers = Array.from({ length: this.replicas }, (_, i) =>
      `${this.name}-${i}.${this.headlessServiceName}.${this.namespace}.svc.${domain}:${NACOS_PORTS.http}`);

    const labels = { ...this.podLabels, [LABEL.role]: 'registry', [LABEL.partOf]: 'agent-runtime' };
    const storage: NacosStorage = props.storage ?? { mode: 'embedded' };
    const authSecret = props.authSecretName ?? 'nacos-auth';
    const ports = Object.entries({
      http: NACOS_PORTS.http, 'client-rpc': NACOS_PORTS.clientRpc, 'raft-rpc': NACOS_PORTS.raftRpc,
      'old-raft-rpc': NACOS_PORTS.oldRaftRpc, console: NACOS_PORTS.console,
    }).map(([name, port]) => ({ name, port, targetPort: _port(port), protocol: 'TCP' }));

    _emitTyped(this, 'headless', k8s.KubeService.GVK, k8s.toJson_KubeServiceProps, {
      metadata: { name: this.headlessServiceName, namespace: this.namespace },
      // Peers must resolve each other before they are ready, or the first quorum never forms.
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: this.podLabels, ports },
    }, labels);

    _emitTyped(this, 'client', k8s.KubeService.GVK, k8s.toJson_KubeServiceProps, {
      metadata: { name: this.name, namespace: this.namespace },
      // ClusterIP only: Nacos must never be reachable from outside the cluster.
      spec: { type: 'ClusterIP', selector: this.podLabels, ports: ports.filter((p) => p.name === 'http' || p.name === 'client-rpc') },
    }, labels);

    // Keep a quorum through drains; minAvailable = replicas would block every drain, so a
    // single throwaway server gets no PDB at all.
    if (this.replicas > 1) {
      _emitTyped(this, 'pdb', k8s.KubePodDisruptionBudget.GVK, k8s.toJson_KubePodDisruptionBudgetProps, {
        metadata: { name: this.name, namespace: this.namespace },
        spec: { minAvailable: _port(Math.floor(this.replicas / 2) + 1), selector: { matchLabels: this.podLabels } },
      }, labels);
    }

    const secretEnv = (name: string, key: string, secret = authSecret): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
    const env: k8s.EnvVar[] = [
      { name: 'MODE', value: 'cluster' },
      { name: 'PREFER_HOST_MODE', value: 'hostname' },
      { name: 'NACOS_SERVERS', value: this.peers.join(' ') },
      { name: 'NACOS_AUTH_ENABLE', value: 'true' },
      { name: 'NACOS_AUTH_ADMIN_ENABLE', value: 'true' },
      { name: 'NACOS_AUTH_CONSOLE_ENABLE', value: 'true' },
      { name: 'NACOS_AUTH_TOKEN_EXPIRE_SECONDS', value: String(props.tokenTtlSeconds ?? 18000) },
      secretEnv('NACOS_AUTH_TOKEN', 'token'),
      secretEnv('NACOS_AUTH_IDENTITY_KEY', 'identityKey'),
      secretEnv('NACOS_AUTH_IDENTITY_VALUE', 'identityValue'),
      { name: 'JVM_XMS', value: props.heap ?? '1g' },
      { name: 'JVM_XMX', value: props.heap ?? '1g' },
      ...(storage.mode === 'embedded'
        ? [{ name: 'EMBEDDED_STORAGE', value: 'embedded' }]
        : [
          { name: 'SPRING_DATASOURCE_PLATFORM', value: 'mysql' },
          { name: 'MYSQL_SERVICE_HOST', value: storage.host },
          { name: 'MYSQL_SERVICE_PORT', value: String(storage.port ?? 3306) },
          { name: 'MYSQL_SERVICE_DB_NAME', value: storage.database },
          { name: 'MYSQL_SERVICE_DB_PARAM', value: storage.params ?? 'characterEncoding=utf8&connectTimeout=1000&socketTimeout=3000&autoReconnect=true&useSSL=true' },
          secretEnv('MYSQL_SERVICE_USER', 'username', storage.secretName),
          secretEnv('MYSQL_SERVICE_PASSWORD', 'password', storage.secretName),
        ]),
    ];

    const probe = (path: string, extra: Record<string, number>): k8s.Probe => ({
      httpGet: { path, port: _port(NACOS_PORTS.console) }, timeoutSeconds: 10, ...extra,
    });
    const res = props.resources ?? {};
    const memory = res.memory ?? '2Gi';
    const hostnameTerm = { labelSelector: { matchLabels: this.podLabels }, topologyKey: 'kubernetes.io/hostname' };
    const zoneTerm = { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: this.podLabels }, topologyKey: 'topology.kubernetes.io/zone' } };
    const antiAffinity = (props.antiAffinity ?? 'required') === 'required'
      ? { requiredDuringSchedulingIgnoredDuringExecution: [hostnameTerm], preferredDuringSchedulingIgnoredDuringExecution: [zoneTerm] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostnameTerm }, zoneTerm] };
    const emptyDir = (name: string) => ({ name, emptyDir: {} });

    this.node.defaultChild = _emitTyped(this, 'statefulset', k8s.KubeStatefulSet.GVK, k8s.toJson_KubeStatefulSetProps, {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        replicas: this.replicas,
        serviceName: this.headlessServiceName,
        // OrderedReady would wait for pod 0 to be ready, which needs a quorum first.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.podLabels },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: _restrictedPodSecurityContext(),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            affinity: { podAntiAffinity: antiAffinity },
            // docker-startup.sh writes conf/cluster.conf, so conf lives on a writable copy and
            // the root filesystem stays read-only.
            initContainers: [{
              name: 'copy-conf',
              image: this.image,
              command: ['sh', '-c', 'cp -R /home/nacos/conf/. /writable-conf/'],
              securityContext: _restrictedContainerSecurityContext(),
              // conf is a few kB; the limit bounds the writable layer and logs (no LimitRange here).
              resources: {
                requests: _quantities({ cpu: '50m', memory: '64Mi', 'ephemeral-storage': '16Mi' }),
                limits: _quantities({ cpu: '200m', memory: '128Mi', 'ephemeral-storage': '64Mi' }),
              },
              volumeMounts: [{ name: 'conf', mountPath: '/writable-conf' }],
            }],
            containers: [{
              name: 'nacos',
              image: this.image,
              env,
              ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
              startupProbe: probe('/v3/console/health/readiness', { periodSeconds: 5, failureThreshold: 60 }),
              readinessProbe: probe('/v3/console/health/readiness', { periodSeconds: 10, failureThreshold: 3 }),
              livenessProbe: probe('/v3/console/health/liveness', { periodSeconds: 10, failureThreshold: 6 }),
              resources: {
                requests: _quantities({ cpu: res.cpuRequest ?? '500m', memory, 'ephemeral-storage': '1Gi' }),
                limits: _quantities({ cpu: res.cpuLimit ?? '2', memory, 'ephemeral-storage': '4Gi' }),
              },
              securityContext: _restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: 'conf', mountPath: '/home/nacos/conf' },
                { name: 'logs', mountPath: '/home/nacos/logs' },
                { name: 'tmp', mountPath: '/tmp' },
                // A per-pod PVC in embedded mode; scratch space when MySQL holds the data.
                { name: 'data', mountPath: '/home/nacos/data' },
              ],
            }],
            volumes: [emptyDir('conf'), emptyDir('logs'), emptyDir('tmp'), ...(storage.mode === 'embedded' ? [] : [emptyDir('data')])],
          },
        },
        ...(storage.mode === 'embedded'
          ? {
            volumeClaimTemplates: [{
              metadata: { name: 'data', labels },
              spec: {
                accessModes: ['ReadWriteOnce'],
                resources: { requests: _quantities({ storage: storage.size ?? '10Gi' }) },
                ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
              },
            }],
          }
          : {}),
      },
    }, labels);
  }
}

/** JVM memory sizes as `-Xmx` reads them: bytes, or k/m/g (binary). */
const _JVM_SIZE = /^([0-9]+)([kKmMgG]?)$/;

/**
 * The heap must fit the container with room for the rest of the JVM (metaspace, threads, direct
 * buffers): at most three quarters of the memory limit, or the pod is OOM-killed under load.
 */
function _checkHeap(heap: string, memory: string): void {
  const m = _JVM_SIZE.exec(String(heap));
  if (!m) throw propError('nacos', 'platform', ['nacos', 'heap'], heap, 'is not a JVM heap size; use a number with k, m or g, e.g. "1g" or "512m"');
  const bytes = Number(m[1]) * ({ '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 } as Record<string, number>)[m[2].toLowerCase()];
  const limit = _parseQuantity(memory, { problems: new PropProblems('nacos', 'platform'), path: ['nacos', 'resources', 'memory'] });
  if (bytes > 0.75 * limit) {
    throw propError('nacos', 'platform', ['nacos', 'heap'], heap, `does not fit the memory limit ${memory} (nacos.resources.memory) with room for the rest of the JVM; use at most three quarters of it (e.g. "${Math.floor((0.75 * limit) / 2 ** 20)}m") or raise nacos.resources.memory`);
  }
}
