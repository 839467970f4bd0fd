/**
 * The public chat route (`POST /api/v1/agents/<tenant>/<agent>/chat`, rewritten to `/` by the
 * gateway): a JSON body in, Server-Sent Events out. Each piece is an `event: message` with
 * `{"text": ...}`; the stream ends with `event: done` carrying the token usage the handler
 * reported, or `event: error` then `event: done` when the handler fails.
 */
import type * as http from 'node:http';

/** Usage reported by a chat handler (summed over calls of `ctx.usage`). */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
}

/** A chat request: `{"message": "..."}` or OpenAI-style `{"messages": [{"role", "content"}]}`. */
export interface ChatInput {
  /** The last user message. */
  readonly message: string;
  readonly messages: ReadonlyArray<{ readonly role: string; readonly content: string }>;
  /** The whole JSON body. */
  readonly body: Record<string, unknown>;
}

/** Context of one chat request. */
export interface ChatContext {
  readonly traceId: string;
  readonly requestId: string;
  /** Aborted when the client goes away or the agent shuts down. */
  readonly signal: AbortSignal;
  /** Adds LLM token usage; sent in the final `done` event. */
  usage(u: { readonly inputTokens?: number; readonly outputTokens?: number }): void;
}

/** Answers a chat: a text (optionally with usage), or an async iterable of text pieces. */
export type ChatHandler = (input: ChatInput, ctx: ChatContext) =>
  Promise<string | { readonly text: string; readonly usage?: Partial<TokenUsage> }> | string | AsyncIterable<string | { readonly text: string }>;

/** Parses the chat body; throws a message for a 400 on another shape. */
export function parseChatBody(body: any): ChatInput {
  const messages = Array.isArray(body?.messages)
    ? body.messages.filter((m: any) => m && typeof m.content === 'string').map((m: any) => ({ role: String(m.role ?? 'user'), content: m.content }))
    : typeof body?.message === 'string' ? [{ role: 'user', content: body.message }] : undefined;
  if (!messages?.length) throw new Error('chat body needs "message": "text" or "messages": [{"role": "user", "content": "text"}]');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user') ?? messages[messages.length - 1];
  return { message: lastUser.content, messages, body };
}

/** One SSE event. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Runs a chat handler and streams its answer to `res`. */
export async function serveChat(handler: ChatHandler, input: ChatInput, res: http.ServerResponse, base: Omit<ChatContext, 'usage'>): Promise<'ok' | 'error'> {
  const usage = { inputTokens: 0, outputTokens: 0 };
  const add = (u: Partial<TokenUsage> | undefined) => {
    usage.inputTokens += u?.inputTokens ?? 0;
    usage.outputTokens += u?.outputTokens ?? 0;
  };
  const ctx: ChatContext = { ...base, usage: add };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  let outcome: 'ok' | 'error' = 'ok';
  try {
    const out = handler(input, ctx);
    if (out && typeof (out as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const piece of out as AsyncIterable<string | { text: string }>) {
        if (base.signal.aborted) break;
        res.write(sseEvent('message', { text: typeof piece === 'string' ? piece : piece.text }));
      }
    } else {
      const r = await (out as Promise<string | { text: string; usage?: Partial<TokenUsage> }>);
      if (typeof r !== 'string') add(r?.usage);
      res.write(sseEvent('message', { text: typeof r === 'string' ? r : r?.text ?? '' }));
    }
  } catch (e) {
    outcome = 'error';
    res.write(sseEvent('error', { message: (e as Error)?.message ?? String(e) }));
  }
  res.end(sseEvent('done', { usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens } }));
  return outcome;
}
