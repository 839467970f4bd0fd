/**
 * An in-memory Kubernetes for controller unit tests, with the semantics the controller relies
 * on: objects get a uid and a growing resourceVersion, informers deliver every add/update/delete
 * after their first list, Secrets are merge-patched and must exist first (as the API server).
 */
import type { ClusterWriter, EventSubject, Informer, SecretObject } from '../../runtime/controller/cluster';
import type { ObjectMeta } from '../../runtime/controller/desired-state';

let _rv = 1;
let _uid = 1;

/** One kind's store and its informer. */
export class FakeInformer<T extends { metadata: ObjectMeta }> implements Informer<T> {
  readonly objects = new Map<string, T>();
  synced = false;
  private _handlers: ((obj: T, deleted: boolean) => void)[] = [];
  private _running = false;

  onChange(handler: (obj: T, deleted: boolean) => void): void {
    this._handlers.push(handler);
  }
  list(): T[] {
    return [...this.objects.values()];
  }
  async start(): Promise<void> {
    this._running = true;
    this.synced = true;
    for (const o of this.objects.values()) this._emit(o, false);
  }
  async stop(): Promise<void> {
    this._running = false;
  }
  /** Creates or updates (server-side: new resourceVersion, uid kept). */
  apply(obj: T): T {
    const id = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const uid = this.objects.get(id)?.metadata.uid ?? `uid-${_uid++}`;
    const stored = { ...obj, metadata: { ...obj.metadata, uid, resourceVersion: String(_rv++) } } as T;
    this.objects.set(id, stored);
    this._emit(stored, false);
    return stored;
  }
  delete(namespace: string, name: string): void {
    const id = `${namespace}/${name}`;
    const obj = this.objects.get(id);
    if (!obj) return;
    this.objects.delete(id);
    this._emit(obj, true);
  }
  private _emit(obj: T, deleted: boolean): void {
    if (this._running) for (const h of this._handlers) h(obj, deleted);
  }
}

/** Events and Secrets. */
export class FakeWriter implements ClusterWriter {
  readonly events: { subject: string; type: string; reason: string; message: string }[] = [];
  readonly secrets = new Map<string, SecretObject>();
  async recordEvent(subject: EventSubject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.events.push({ subject: `${subject.kind} ${subject.metadata.namespace}/${subject.metadata.name}`, type, reason, message });
  }
  async getSecret(namespace: string, name: string): Promise<SecretObject | undefined> {
    return this.secrets.get(`${namespace}/${name}`);
  }
  /** Adds a Secret as the manifests would (no data). */
  declareSecret(secret: SecretObject): void {
    this.secrets.set(`${secret.metadata.namespace}/${secret.metadata.name}`, { ...secret, metadata: { ...secret.metadata, resourceVersion: String(_rv++) } });
  }
  async patchSecret(namespace: string, name: string, patch: { annotations: Record<string, string>; data: Record<string, string> }): Promise<void> {
    const id = `${namespace}/${name}`;
    const old = this.secrets.get(id);
    if (!old) throw new Error(`404 NotFound: secrets "${name}" not found`);
    this.secrets.set(id, {
      ...old,
      metadata: { ...old.metadata, annotations: { ...old.metadata.annotations, ...patch.annotations }, resourceVersion: String(_rv++) },
      data: { ...old.data, ...patch.data },
    });
  }
}
