/**
 * The controller's Kubernetes side on @kubernetes/client-node: informers are its `ListWatch`
 * (list, then watch from the list's resourceVersion; a 410 Gone relists; a closed watch resumes),
 * restarted with backoff after any other error; writes are plain JSON requests authenticated by
 * the kubeconfig (in-cluster: the ServiceAccount token).
 */
import * as https from 'node:https';
import * as http from 'node:http';
import { backoffDelay } from '../retry';
import type { ClusterWriter, EventSubject, Informer, SecretObject } from './cluster';
import type { ObjectMeta } from './desired-state';
import { CONTROLLER_FIELD_MANAGER, KagentAgentWriter } from './kagent-token-refresh';

type K8s = typeof import('@kubernetes/client-node');

/** An answer of the API server. */
export interface KubeResponse {
  readonly status: number;
  readonly body: any;
}

/** A connection to one API server. */
export class KubeCluster implements ClusterWriter, KagentAgentWriter {
  private constructor(
    private readonly _k8s: K8s,
    readonly config: InstanceType<K8s['KubeConfig']>,
    private readonly _log: (line: string) => void,
    /** Identity recorded as the Events' reporting instance. */
    readonly identity: string,
  ) {}

  /**
   * Loads `kubeconfig` (a file), or the in-cluster ServiceAccount when omitted and running in a
   * pod, or the default kubeconfig otherwise.
   */
  static async connect(opts: { kubeconfig?: string; identity: string; log?: (line: string) => void }): Promise<KubeCluster> {
    // client-node 1.x is an ES module; Node 20 loads it through require(esm).
    const k8s: K8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
    if (!kc.getCurrentCluster()) throw new Error(`kubeconfig ${opts.kubeconfig ?? '(default)'} has no current cluster; pass --kubeconfig <file> with a current-context`);
    return new KubeCluster(k8s, kc, opts.log ?? (() => undefined), opts.identity);
  }

  /** A JSON request; resolves with any status (callers decide), rejects on transport errors. */
  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    const server = this.config.getCurrentCluster()!.server;
    const url = new URL(path, server);
    const options: https.RequestOptions = { method, headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': contentType } : {}) } };
    await this.config.applyToHTTPSOptions(options);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      req.on('error', reject);
      if (body !== undefined) req.write(JSON.stringify(body));
      req.end();
    });
  }

  /** An informer over `path` (e.g. `/api/v1/configmaps`) filtered by `labelSelector`. */
  informer<T extends { metadata: ObjectMeta }>(path: string, labelSelector: string): Informer<T> {
    const watch = new this._k8s.Watch(this.config);
    let synced = false;
    let failures = 0;
    let stopped = false;
    const listFn = async () => {
      const res = await this.request('GET', `${path}?labelSelector=${encodeURIComponent(labelSelector)}`);
      if (res.status !== 200) throw Object.assign(new Error(`list ${path}: HTTP ${res.status} ${_reason(res.body)}`), { statusCode: res.status });
      synced = true;
      failures = 0;
      return res.body;
    };
    const lw = new this._k8s.ListWatch<any>(path, watch, listFn as any, false, labelSelector);
    lw.on('error', (err: unknown) => {
      if (stopped) return;
      const delay = Math.max(200, backoffDelay(failures++, { baseDelayMs: 500, maxDelayMs: 30_000 }));
      this._log(`watch ${path} (${labelSelector}) failed: ${(err as Error)?.message ?? String(err)}; restarting in ${delay} ms`);
      setTimeout(() => void lw.start().catch(() => undefined), delay).unref();
    });
    return {
      onChange: (handler) => {
        lw.on('add', (o: T) => handler(o, false));
        lw.on('update', (o: T) => handler(o, false));
        lw.on('delete', (o: T) => handler(o, true));
      },
      list: () => lw.list() as T[],
      get synced() {
        return synced;
      },
      start: async () => {
        stopped = false;
        await lw.start();
      },
      stop: async () => {
        stopped = true;
        await lw.stop();
      },
    };
  }

  async recordEvent(subject: EventSubject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const m = subject.metadata;
    const now = new Date().toISOString();
    const res = await this.request('POST', `/api/v1/namespaces/${m.namespace}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${m.name}.`, namespace: m.namespace },
      involvedObject: { apiVersion: subject.apiVersion, kind: subject.kind, name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
      type,
      reason,
      message,
      source: { component: 'agent-runtime-controller' },
      reportingComponent: 'agentruntime.io/controller',
      reportingInstance: this.identity,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    });
    if (res.status >= 300) throw new Error(`create Event in ${m.namespace}: HTTP ${res.status} ${_reason(res.body)}`);
  }

  async getSecret(namespace: string, name: string): Promise<SecretObject | undefined> {
    const res = await this.request('GET', `/api/v1/namespaces/${namespace}/secrets/${name}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`get Secret ${namespace}/${name}: HTTP ${res.status} ${_reason(res.body)}`);
    return res.body;
  }

  async patchSecret(namespace: string, name: string, patch: { annotations: Record<string, string>; data: Record<string, string> }): Promise<void> {
    const res = await this.request('PATCH', `/api/v1/namespaces/${namespace}/secrets/${name}`, { metadata: { annotations: patch.annotations }, data: patch.data }, 'application/merge-patch+json');
    // The message of a refusal never holds the Secret's data.
    if (res.status >= 300) throw new Error(`patch Secret ${namespace}/${name}: HTTP ${res.status} ${_reason(res.body)}`);
  }

  /**
   * Server-side apply of one label on a kagent Agent under the controller's own field manager
   * (forced: the label is the controller's by contract). The cached resourceVersion makes it
   * conditional: a deleted Agent is not re-created, a changed one answers 409 and is retried.
   */
  async applyAgentLabel(agent: { namespace: string; name: string; resourceVersion?: string }, label: string, value: string): Promise<void> {
    const path = `/apis/kagent.dev/v1alpha2/namespaces/${agent.namespace}/agents/${agent.name}?fieldManager=${CONTROLLER_FIELD_MANAGER}&force=true`;
    const body = { apiVersion: 'kagent.dev/v1alpha2', kind: 'Agent', metadata: { name: agent.name, namespace: agent.namespace, ...(agent.resourceVersion ? { resourceVersion: agent.resourceVersion } : {}), labels: { [label]: value } } };
    const res = await this.request('PATCH', path, body, 'application/apply-patch+yaml');
    if (res.status >= 300) throw new Error(`apply label ${label} on kagent Agent ${agent.namespace}/${agent.name}: HTTP ${res.status} ${_reason(res.body)}`);
  }
}

function _reason(body: any): string {
  return typeof body === 'object' && body?.message ? `(${body.message})` : '';
}
