/**
 * `agent-runtime controller [--kubeconfig FILE] [--nacos URL] ...`: runs the agent-runtime
 * controller until SIGTERM/SIGINT. Nacos credentials come from `NACOS_USERNAME`/`NACOS_PASSWORD`.
 */
import * as os from 'node:os';
import { parseArgs } from './args';
import { requirePeers } from '../runtime/peer-dependencies';

/** Usage text of `agent-runtime controller`. */
export const USAGE = `usage: agent-runtime controller --gateway-host HOST [--kubeconfig FILE] [--nacos URL]
    [--namespace <platform namespace>] [--internal-issuer URL] [--signing-keys-from NAME] [--audience AUD] [--token-ttl SECONDS]
    [--listen HOST:PORT] [--resync SECONDS] [--renew SECONDS] [--no-leader-election] [--no-identity]
  env: NACOS_USERNAME, NACOS_PASSWORD (required when Nacos auth is on), POD_NAME (leader identity)`;

/** Flags with their defaults, as the Deployment passes them. */
const DEFAULTS = {
  nacos: 'http://nacos.nacos.svc:8848',
  namespace: 'agent-runtime',
  'signing-keys-from': 'agent-runtime-internal-issuer',
  audience: 'agent-runtime-gateway',
  'token-ttl': '3600',
  listen: '0.0.0.0:8080',
  resync: '300',
  renew: '20',
};

/** Runs the controller; resolves to the exit code when it stops. */
export async function controllerCommand(args: string[]): Promise<number> {
  const { positional, flags: raw } = parseArgs(args, {
    values: ['gateway-host', 'kubeconfig', 'nacos', 'namespace', 'internal-issuer', 'signing-keys-from', 'audience', 'token-ttl', 'listen', 'resync', 'renew'],
    booleans: ['no-leader-election', 'no-identity'],
  });
  if (positional.length) {
    console.error(`agent-runtime controller: unexpected argument ${JSON.stringify(positional[0])}\n${USAGE}`);
    return 2;
  }
  const flags = { ...DEFAULTS, ...raw } as Record<string, string | boolean>;
  const seconds = (name: string, min: number): number => {
    const n = Number(flags[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${JSON.stringify(flags[name])} must be a whole number of seconds >= ${min}`);
    return n;
  };
  const identityOn = flags['no-identity'] !== true;
  if (identityOn && typeof flags['internal-issuer'] !== 'string') {
    console.error(`agent-runtime controller: --internal-issuer <url> is required (the gateway's gateway.jwt.internal.issuer), or pass --no-identity\n${USAGE}`);
    return 2;
  }
  const gatewayHost = flags['gateway-host'];
  if (typeof gatewayHost !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(gatewayHost)) {
    console.error(`agent-runtime controller: --gateway-host <host> is required (the platform's gatewayHost, e.g. agents.example.com): every card's url must be its route there\n${USAGE}`);
    return 2;
  }
  const [host, portText] = String(flags.listen).split(/:(?=\d+$)/);
  const username = process.env.NACOS_USERNAME;
  const password = process.env.NACOS_PASSWORD;
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const podName = process.env.POD_NAME ?? `${os.hostname()}-${process.pid}`;

  requirePeers('agent-runtime controller', ['@kubernetes/client-node']);
  const { KubeCluster } = await import('../runtime/controller/kube-client');
  const { NacosClient } = await import('../runtime/nacos-client');
  const { RuntimeController } = await import('../runtime/controller/runtime-controller');
  const { ControllerMetrics, serveMetrics } = await import('../runtime/controller/metrics');
  const { LeaderElector } = await import('../runtime/controller/leader-election');
  const { AgentTokens } = await import('../runtime/controller/agent-tokens');
  const { loadSigningKeys } = await import('../runtime/controller/internal-jwt');
  const { throttledLog } = await import('../runtime/controller/throttled-log');
  const { LABEL, AGENT_CARD_ROLE } = await import('../constructs/labels');
  const { TENANT_NAMESPACE_SELECTOR } = await import('../runtime/controller/tenant-namespaces');

  const metrics = new ControllerMetrics();
  const kube = await KubeCluster.connect({ kubeconfig: typeof flags.kubeconfig === 'string' ? flags.kubeconfig : undefined, identity: podName, log });
  const nacos = new NacosClient({
    // While Nacos is down each call in flight logs each retry: repeats are collapsed.
    endpoint: String(flags.nacos), username, password, log: throttledLog(log),
    // Bounded per call; the work queue's backoff takes over after that, so a down Nacos never crashes the process.
    retry: { retries: 3, baseDelayMs: 200, maxDelayMs: 2000 },
    observe: (op, ms) => metrics.observeNacos(op, ms),
  });

  let tokens: InstanceType<typeof AgentTokens> | undefined;
  let keys: ReturnType<typeof loadSigningKeys> | undefined;
  const platformNs = String(flags.namespace);
  const loadKeys = async () => {
    const secret = await kube.getSecret(platformNs, String(flags['signing-keys-from']));
    if (!secret?.data?.['private-key.pem']) {
      throw new Error(`Secret ${platformNs}/${flags['signing-keys-from']} with key "private-key.pem" not found; create it from the internal issuer's private key (see runtime/README.md)`);
    }
    const pem = (k: string) => (secret.data?.[k] ? Buffer.from(secret.data[k], 'base64').toString('utf8') : undefined);
    keys = loadSigningKeys(pem('private-key.pem')!, pem('previous-private-key.pem'));
  };
  if (identityOn) {
    const reload = () => loadKeys().catch((err) => log(`issuer key: ${err.message}; ${keys ? 'keeping the loaded key' : 'no agent tokens until it exists'}`));
    await reload();
    setInterval(reload, 60_000).unref();
    tokens = new AgentTokens(kube, { internalIssuer: String(flags['internal-issuer']), audience: String(flags.audience), ttlSeconds: seconds('token-ttl', 60), keys: () => keys, log });
  }

  const leaderElection = flags['no-leader-election'] !== true;
  let leading = !leaderElection;
  // kagent's Agents, when its CRDs are installed: declarative callers' tokens reach kagent through them.
  const kagentInstalled = (await kube.request('GET', '/apis/kagent.dev/v1alpha2')).status === 200;
  if (!kagentInstalled) log('kagent.dev/v1alpha2 is not served: no declarative agents to re-translate after token rotations');
  const controller = new RuntimeController({
    namespaces: kube.informer('/api/v1/namespaces', TENANT_NAMESPACE_SELECTOR),
    kagent: kagentInstalled ? { agents: kube.informer('/apis/kagent.dev/v1alpha2/agents', LABEL.agent), writer: kube } : undefined,
    configMaps: kube.informer('/api/v1/configmaps', `${LABEL.role}=${AGENT_CARD_ROLE}`),
    endpointSlices: kube.informer('/apis/discovery.k8s.io/v1/endpointslices', LABEL.agent),
    workloads: kube.informer('/apis/apps/v1/deployments', LABEL.agent),
    writer: kube,
    nacos,
    tokens,
    isLeader: () => leading,
    metrics,
    log,
  }, { gatewayHost, resyncMs: seconds('resync', 10) * 1000, registry: { renewIntervalMs: seconds('renew', 1) * 1000 } });

  const server = await serveMetrics(metrics, { host, port: Number(portText), ready: () => controller.synced });
  log(`agent-runtime controller ${podName}: metrics and health on ${host}:${server.port}, Nacos ${nacos.baseUrl}`);
  await controller.start();

  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));
  const elector = leaderElection
    ? new LeaderElector((m, p, b) => kube.request(m, p, b), {
        namespace: platformNs, identity: podName, log,
        onStartedLeading: () => {
          leading = true;
          metrics.leader = 1;
          controller.lead();
        },
        // A replica that lost the Lease may hold stale assumptions: restart clean.
        onStoppedLeading: () => {
          leading = false;
          metrics.leader = 0;
          void shutdown('lost the Lease', 1);
        },
      })
    : undefined;
  if (elector) elector.start();
  else metrics.leader = 1;

  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${why}): finishing reconciles in flight`);
    await controller.stop();
    await elector?.stop();
    await server.close();
    resolveExit(code);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  return exited;
}
