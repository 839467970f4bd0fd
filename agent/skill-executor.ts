/**
 * Skill handlers as an `@a2a-js/sdk` AgentExecutor (A2A 1.0 types; the SDK's compatibility
 * layer turns them into 0.3 for 0.3 callers). A handler that returns a value answers
 * `SendMessage` with one Message; a handler that returns an async iterable, or any call made
 * with `SendStreamingMessage`, runs as a Task: `working`, one artifact update per piece, then a
 * final `completed` (or `failed`/`canceled`) status update, so every stream ends with one.
 * A handler's exception is logged with a correlation id; the caller gets a generic message
 * carrying that id, never the exception's text.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Message, Part, Role, Task, TaskState } from '@a2a-js/sdk';
import type { TaskStatusUpdateEvent } from '@a2a-js/sdk';
import { AgentEvent, AgentExecutor, ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import type { FailureReason } from './metrics';
import type { ResultCache } from './result-cache';

/** What a skill handler receives. */
export interface SkillInput {
  /** The text parts of the message, joined by newlines. */
  readonly text: string;
  /** The first data part, if any. */
  readonly data?: Record<string, unknown>;
  /** A2A 1.0 parts (`content.$case` is `text`, `data`, `url` or `raw`). */
  readonly parts: readonly Part[];
  /** The whole A2A message. */
  readonly message: Message;
}

/** Context of one skill call. */
export interface SkillContext {
  readonly skill: string;
  /** `tenant/agent` of the calling agent as the gateway verified it (its `X-A2A-Parent-Agent`, written from the caller's token), if any. */
  readonly caller?: string;
  readonly traceId: string;
  readonly requestId: string;
  readonly taskId: string;
  readonly contextId: string;
  /** Aborted when the task is cancelled or the caller goes away. */
  readonly signal: AbortSignal;
}

/** A handler's answer: text, a data object, or A2A parts. */
export type SkillResult = string | { readonly text?: string; readonly data?: Record<string, unknown>; readonly parts?: readonly Part[] };

/** One streamed piece; a `callSkill(..., { stream: true })` event is one too (pass-through). */
export type SkillPiece = string | { readonly parts: readonly Part[] } | { readonly text: string } | { readonly data: Record<string, unknown> };

/** A skill: return an answer, or an async iterable of pieces to stream. */
export type SkillHandler = (input: SkillInput, ctx: SkillContext) => Promise<SkillResult> | SkillResult | AsyncIterable<SkillPiece>;

/** Per-request facts the HTTP layer hands to the executor (and gets the outcome back). */
export interface CallState {
  readonly skill: string;
  readonly caller?: string;
  readonly traceId: string;
  readonly requestId: string;
  readonly signal: AbortSignal;
  /** The caller streams: answer as a task that ends with a final status update. */
  readonly stream?: boolean;
  failure?: FailureReason;
}

/** The request being executed; set by the HTTP layer around the transport handler. */
export const callStore = new AsyncLocalStorage<CallState>();

/** A text part. */
export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: '' };
}

/** A data part. */
export function dataPart(data: Record<string, unknown>): Part {
  return { content: { $case: 'data', value: data }, metadata: undefined, filename: '', mediaType: '' };
}

/** The text of parts, joined by `sep`. */
export function partsText(parts: readonly Part[], sep = ''): string {
  return parts.flatMap((p) => (p.content?.$case === 'text' ? [p.content.value] : [])).join(sep);
}

/** The first data part's object. */
export function partsData(parts: readonly Part[]): Record<string, unknown> | undefined {
  const p = parts.find((x) => x.content?.$case === 'data');
  return p?.content?.$case === 'data' ? p.content.value : undefined;
}

/** Turns a result or piece into A2A parts. */
export function toParts(r: SkillResult | SkillPiece): Part[] {
  if (typeof r === 'string') return [textPart(r)];
  if ('parts' in r && r.parts) return [...r.parts];
  const parts: Part[] = [];
  if ('text' in r && typeof r.text === 'string') parts.push(textPart(r.text));
  if ('data' in r && r.data) parts.push(dataPart(r.data));
  return parts;
}

/** Where a skill's exception goes: one JSON line per failure. @internal tests replace it */
export const skillErrorLog = { write: (line: string): void => { process.stderr.write(`${line}\n`); } };

/** Runs skill handlers for the SDK's request handler. */
export class SkillExecutor implements AgentExecutor {
  private readonly running = new Map<string, AbortController>();

  /** `cache`: answers of cached skills (see result-cache.ts); a hit skips the handler. */
  constructor(private readonly handlers: Readonly<Record<string, SkillHandler>>, private readonly cache?: ResultCache) {}

  async execute(rc: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const call = callStore.getStore();
    const { taskId, contextId, userMessage } = rc;
    const abort = new AbortController();
    this.running.set(taskId, abort);
    call?.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const handler = call ? this.handlers[call.skill] : undefined;
    let asTask = false;
    const agentMessage = (parts: Part[]): Message => ({ messageId: randomUUID(), contextId, taskId, role: Role.ROLE_AGENT, parts, metadata: undefined, extensions: [], referenceTaskIds: [] });
    const status = (state: TaskState, text?: string): TaskStatusUpdateEvent => ({
      taskId, contextId, metadata: undefined,
      status: { state, timestamp: new Date().toISOString(), message: text ? agentMessage([textPart(text)]) : undefined },
    });
    const startTask = () => {
      asTask = true;
      const task: Task = { id: taskId, contextId, status: { state: TaskState.TASK_STATE_WORKING, timestamp: new Date().toISOString(), message: undefined }, artifacts: [], history: [userMessage], metadata: undefined };
      bus.publish(AgentEvent.task(task));
    };
    let pieces = 0;
    const artifact = (parts: Part[]) => {
      bus.publish(AgentEvent.artifactUpdate({ taskId, contextId, append: pieces > 0, lastChunk: false, metadata: undefined, artifact: { artifactId: 'result', name: '', description: '', parts, metadata: undefined, extensions: [] } }));
      pieces++;
    };
    try {
      if (!handler) throw new Error('no skill resolved for this request');
      const parts = userMessage.parts ?? [];
      const input: SkillInput = { text: partsText(parts, '\n'), data: partsData(parts), parts, message: userMessage };
      const ctx: SkillContext = { skill: call!.skill, caller: call!.caller, traceId: call!.traceId, requestId: call!.requestId, taskId, contextId, signal: abort.signal };
      const cached = this.cache?.get(ctx.skill, ctx.caller, parts);
      const out = cached ? { parts: cached } : handler(input, ctx);
      if (out && typeof (out as AsyncIterable<SkillPiece>)[Symbol.asyncIterator] === 'function') {
        startTask();
        for await (const piece of out as AsyncIterable<SkillPiece>) {
          if (abort.signal.aborted) break;
          const p = toParts(piece);
          if (p.length) artifact(p); // e.g. a passed-through sub-agent's status event without a message has none
        }
      } else {
        if (call?.stream) startTask();
        const answer = toParts((await (out as Promise<SkillResult> | SkillResult)) ?? '');
        // Only a completed, non-streamed answer is kept (a streamed or failed one never is).
        if (!cached && !abort.signal.aborted) this.cache?.set(ctx.skill, ctx.caller, parts, answer);
        if (asTask) artifact(answer);
        else bus.publish(AgentEvent.message(agentMessage(answer)));
      }
      if (asTask) bus.publish(AgentEvent.statusUpdate(abort.signal.aborted ? status(TaskState.TASK_STATE_CANCELED) : status(TaskState.TASK_STATE_COMPLETED)));
    } catch (e) {
      const cancelled = abort.signal.aborted;
      if (call) call.failure = cancelled ? 'cancelled' : 'error';
      const correlationId = randomUUID();
      skillErrorLog.write(JSON.stringify({ level: 'error', msg: 'skill failed', skill: call?.skill, correlationId, traceId: call?.traceId, taskId, error: (e as Error)?.stack ?? String(e) }));
      if (!asTask) startTask();
      bus.publish(AgentEvent.statusUpdate(cancelled ? status(TaskState.TASK_STATE_CANCELED) : status(TaskState.TASK_STATE_FAILED, `skill "${call?.skill}" failed (correlation id ${correlationId})`)));
    } finally {
      this.running.delete(taskId);
      bus.finished();
    }
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const running = this.running.get(taskId);
    running?.abort();
    void bus;
  }
}
