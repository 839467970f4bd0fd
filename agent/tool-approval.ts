/**
 * Human approval of sensitive tool calls in a BYO agent, as kagent's engine does for declarative
 * agents (`requireApproval`): a call to a listed tool waits until someone approves or rejects it.
 * The hook point is `guard()` around the tool call; the skill handler learns of the wait through
 * `onPending` (to reply with A2A state `input-required` and the request id) and passes the user's
 * answer to `decide()`. Bounded: at most `maxPending` waits, each for at most `timeoutMs` (then rejected).
 *
 * @example
 * const approvals = new ToolApprovals();   // tools from AGENT_TOOLS_REQUIRE_APPROVAL
 * const result = await approvals.guard({ tool: 'delete_page', arguments: { id } }, () => mcp.callTool(...),
 *   (req) => ctx.reply({ state: 'input-required', text: `Approve ${req.call.tool}? id ${req.id}` }));
 * // later, on the user's answer: approvals.decide(id, { approved: true })
 */
import { randomUUID } from 'node:crypto';
import { TOOLS_REQUIRE_APPROVAL_ENV } from '../constructs/memory-contract';

export { TOOLS_REQUIRE_APPROVAL_ENV };

export interface ToolCall {
  readonly tool: string;
  readonly arguments?: unknown;
}

export interface ApprovalRequest {
  readonly id: string;
  readonly call: ToolCall;
}

export type ApprovalDecision = { readonly approved: true } | { readonly approved: false; readonly reason?: string };

/** A tool call that was rejected, timed out or could not wait. */
export class ToolCallNotApproved extends Error {
  constructor(readonly call: ToolCall, readonly reason: string) {
    super(`tool call "${call.tool}" was not approved: ${reason}`);
    this.name = 'ToolCallNotApproved';
  }
}

export interface ToolApprovalOptions {
  /** @default - `AGENT_TOOLS_REQUIRE_APPROVAL` */
  readonly requireApproval?: readonly string[];
  /** @default 600000 (10 minutes) */
  readonly timeoutMs?: number;
  /** @default 100 */
  readonly maxPending?: number;
}

/** Waits for approval of the calls to listed tools. */
export class ToolApprovals {
  private readonly tools: ReadonlySet<string>;
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  private readonly waiting = new Map<string, { request: ApprovalRequest; settle: (d: ApprovalDecision) => void }>();

  constructor(opts: ToolApprovalOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.tools = new Set(opts.requireApproval ?? (env[TOOLS_REQUIRE_APPROVAL_ENV] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    this.timeoutMs = opts.timeoutMs ?? 600_000;
    this.maxPending = opts.maxPending ?? 100;
  }

  /** Whether calls to `tool` wait for approval. */
  needsApproval(tool: string): boolean {
    return this.tools.has(tool);
  }

  /** The calls waiting now. */
  pending(): ApprovalRequest[] {
    return [...this.waiting.values()].map((w) => w.request);
  }

  /** Runs `run` at once, or after approval for a listed tool; throws {@link ToolCallNotApproved} otherwise. */
  async guard<T>(call: ToolCall, run: () => Promise<T>, onPending?: (request: ApprovalRequest) => void | Promise<void>): Promise<T> {
    if (!this.needsApproval(call.tool)) return run();
    if (this.waiting.size >= this.maxPending) throw new ToolCallNotApproved(call, `${this.maxPending} calls already wait for approval`);
    const request: ApprovalRequest = { id: randomUUID(), call };
    const decision = new Promise<ApprovalDecision>((resolve) => {
      const timer = setTimeout(() => settle({ approved: false, reason: `no decision within ${this.timeoutMs} ms` }), this.timeoutMs);
      timer.unref?.();
      const settle = (d: ApprovalDecision) => {
        clearTimeout(timer);
        this.waiting.delete(request.id);
        resolve(d);
      };
      this.waiting.set(request.id, { request, settle });
    });
    await onPending?.(request);
    const d = await decision;
    if (!d.approved) throw new ToolCallNotApproved(call, d.reason ?? 'rejected');
    return run();
  }

  /** Settles a waiting call; `false` when no call waits under `id`. */
  decide(id: string, decision: ApprovalDecision): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    w.settle(decision);
    return true;
  }
}
