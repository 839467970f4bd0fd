/**
 * The task store of `serveAgent`: the SDK's in-memory store keeps every task forever, so an agent
 * under load grows without limit. This one keeps at most `maxTasks` tasks for at most `ttlMs`
 * since their last update; the oldest go first. Tasks are kept per caller scope like the SDK's.
 */
import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';

/** Bounds of {@link BoundedTaskStore}. */
export interface TaskStoreLimits {
  /** Tasks kept; past it the least recently updated is dropped. @default 1000 */
  readonly maxTasks?: number;
  /** How long a task is kept after its last update, ms. @default 3600000 (1 h) */
  readonly ttlMs?: number;
}

export const DEFAULT_MAX_TASKS = 1000;
export const DEFAULT_TASK_TTL_MS = 3_600_000;

interface Entry { readonly task: Task; readonly savedAt: number }

/** A bounded in-memory `TaskStore`; pass your own `TaskStore` to `serveAgent` for durability. */
export class BoundedTaskStore implements TaskStore {
  private readonly maxTasks: number;
  private readonly ttlMs: number;
  /** Insertion order = last-update order: the head is the oldest. */
  private readonly entries = new Map<string, Entry>();

  constructor(limits: TaskStoreLimits = {}, private readonly now: () => number = Date.now) {
    this.maxTasks = limits.maxTasks ?? DEFAULT_MAX_TASKS;
    this.ttlMs = limits.ttlMs ?? DEFAULT_TASK_TTL_MS;
    if (!(this.maxTasks >= 1)) throw new Error(`taskStore.maxTasks ${limits.maxTasks} must be at least 1`);
    if (!(this.ttlMs > 0)) throw new Error(`taskStore.ttlMs ${limits.ttlMs} must be more than 0`);
  }

  /** Tasks held now. */
  get size(): number {
    return this.entries.size;
  }

  async save(task: Task, context: ServerCallContext): Promise<void> {
    const key = _key(task.id, context);
    this.entries.delete(key);
    this.entries.set(key, { task: structuredClone(task), savedAt: this.now() });
    this._evict();
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    this._evict();
    const e = this.entries.get(_key(taskId, context));
    return e ? structuredClone(e.task) : undefined;
  }

  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    this._evict();
    const scope = `${_scope(context)}\n`;
    let tasks = [...this.entries].filter(([k]) => k.startsWith(scope)).map(([, e]) => e.task).reverse();
    if (params.contextId) tasks = tasks.filter((t) => t.contextId === params.contextId);
    if (params.status) tasks = tasks.filter((t) => t.status?.state === params.status);
    const pageSize = Math.min(Math.max(params.pageSize ?? 50, 1), 100);
    const start = Number(params.pageToken || 0) || 0;
    const page = tasks.slice(start, start + pageSize).map((t) => {
      const c = structuredClone(t);
      if (!params.includeArtifacts) c.artifacts = [];
      if (params.historyLength !== undefined) c.history = params.historyLength > 0 ? c.history.slice(-params.historyLength) : [];
      return c;
    });
    return { tasks: page, nextPageToken: start + pageSize < tasks.length ? String(start + pageSize) : '', pageSize, totalSize: tasks.length };
  }

  private _evict(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.maxTasks && e.savedAt > oldest) break;
      this.entries.delete(key);
    }
  }
}

function _scope(context: ServerCallContext): string {
  return context?.user?.isAuthenticated ? context.user.userName : '';
}

function _key(taskId: string, context: ServerCallContext): string {
  return `${_scope(context)}\n${taskId}`;
}
