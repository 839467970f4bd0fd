/**
 * Skill handlers as an `@a2a-js/sdk` AgentExecutor. A handler that returns a value answers
 * with one A2A Message; a handler that returns an async iterable runs as a Task whose pieces
 * are artifact updates (so `message/stream` streams them and `message/send` returns the
 * finished Task), ending with a `completed` (or `failed`) final status.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Message, Part, Task, TaskArtifactUpdateEvent, TaskStatusUpdateEvent } from '@a2a-js/sdk';
import type { AgentExecutor, ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import type { FailureReason } from './metrics';

/** What a skill handler receives. */
export interface SkillInput {
  /** The text parts of the message, joined by newlines. */
  readonly text: string;
  /** The first data part, if any. */
  readonly data?: Record<string, unknown>;
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
  failure?: FailureReason;
}

/** The request being executed; set by the HTTP layer around the transport handler. */
export const callStore = new AsyncLocalStorage<CallState>();

/** Turns a result or piece into A2A parts. */
export function toParts(r: SkillResult | SkillPiece): Part[] {
  if (typeof r === 'string') return [{ kind: 'text', text: r }];
  if ('parts' in r && r.parts) return [...r.parts];
  const parts: Part[] = [];
  if ('text' in r && typeof r.text === 'string') parts.push({ kind: 'text', text: r.text });
  if ('data' in r && r.data) parts.push({ kind: 'data', data: r.data });
  return parts;
}

/** Runs skill handlers for the SDK's request handler. */
export class SkillExecutor implements AgentExecutor {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly handlers: Readonly<Record<string, SkillHandler>>) {}

  async execute(rc: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const call = callStore.getStore();
    const { taskId, contextId, userMessage } = rc;
    const abort = new AbortController();
    this.running.set(taskId, abort);
    call?.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const handler = call ? this.handlers[call.skill] : undefined;
    let streaming = false;
    const status = (state: 'completed' | 'failed' | 'canceled', text?: string): TaskStatusUpdateEvent => ({
      kind: 'status-update', taskId, contextId, final: true,
      status: {
        state, timestamp: new Date().toISOString(),
        ...(text ? { message: { kind: 'message', role: 'agent', messageId: randomUUID(), taskId, contextId, parts: [{ kind: 'text', text }] } } : {}),
      },
    });
    try {
      if (!handler) throw new Error('no skill resolved for this request');
      const parts = userMessage.parts ?? [];
      const input: SkillInput = {
        text: parts.filter((p) => p.kind === 'text').map((p) => (p as { text: string }).text).join('\n'),
        data: (parts.find((p) => p.kind === 'data') as { data?: Record<string, unknown> } | undefined)?.data,
        parts,
        message: userMessage,
      };
      const ctx: SkillContext = { skill: call!.skill, caller: call!.caller, traceId: call!.traceId, requestId: call!.requestId, taskId, contextId, signal: abort.signal };
      const out = handler(input, ctx);
      if (out && typeof (out as AsyncIterable<SkillPiece>)[Symbol.asyncIterator] === 'function') {
        streaming = true;
        const task: Task = { kind: 'task', id: taskId, contextId, status: { state: 'working', timestamp: new Date().toISOString() }, history: [userMessage] };
        bus.publish(task);
        let i = 0;
        for await (const piece of out as AsyncIterable<SkillPiece>) {
          if (abort.signal.aborted) break;
          const parts = toParts(piece);
          if (parts.length === 0) continue; // e.g. a passed-through sub-agent's status event without a message
          const ev: TaskArtifactUpdateEvent = { kind: 'artifact-update', taskId, contextId, append: i > 0, lastChunk: false, artifact: { artifactId: 'result', parts } };
          bus.publish(ev);
          i++;
        }
        bus.publish(abort.signal.aborted ? status('canceled') : status('completed'));
      } else {
        const result = await (out as Promise<SkillResult> | SkillResult);
        const msg: Message = { kind: 'message', role: 'agent', messageId: randomUUID(), taskId, contextId, parts: toParts(result ?? '') };
        bus.publish(msg);
      }
    } catch (e) {
      if (call) call.failure = abort.signal.aborted ? 'cancelled' : 'error';
      const text = `skill "${call?.skill}" failed: ${(e as Error)?.message ?? e}`;
      if (!streaming) bus.publish({ kind: 'task', id: taskId, contextId, status: { state: 'working' }, history: [userMessage] });
      bus.publish(status('failed', text));
    } finally {
      this.running.delete(taskId);
      bus.finished();
    }
  }

  async cancelTask(taskId: string, _bus: ExecutionEventBus): Promise<void> {
    this.running.get(taskId)?.abort();
  }
}
