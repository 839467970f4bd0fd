/**
 * Call lineage: which request an agent is serving, so that every call it makes carries the
 * same trace (`X-A2A-Trace-ID`, W3C `traceparent`) and names its parent (`X-A2A-Parent-Agent`,
 * `X-A2A-Parent-Request-ID`). Kept in AsyncLocalStorage, mirrored into the OpenTelemetry
 * context so spans of an installed OTel SDK join the same trace.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { context as otelContext, Context, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { A2A_FALLBACK_SKILL_HEADER, A2A_SKILL_HEADER, CALLER_HEADER } from '../constructs/contracts';
import { A2A_TRACE_HEADERS } from '../constructs/skill-resilience';

/** Header naming the skill: set by the gateway's skill routes (overwriting the caller's), sent by `callSkill`. */
export const SKILL_HEADER = A2A_SKILL_HEADER;
/** The skill a gateway fallback lands on (set by the gateway on skill routes with a cross-agent fallback). */
export const FALLBACK_SKILL_HEADER = A2A_FALLBACK_SKILL_HEADER;

export const [TRACE_ID_HEADER, PARENT_AGENT_HEADER, PARENT_REQUEST_HEADER] = A2A_TRACE_HEADERS;

/** The request being served. */
export interface Lineage {
  /** `X-A2A-Trace-ID` of the whole call tree (the W3C trace id unless the caller sent another). */
  readonly traceId: string;
  /** W3C trace id (32 hex). */
  readonly w3cTraceId: string;
  /** Span id of this hop (16 hex). */
  readonly spanId: string;
  readonly sampled: boolean;
  /** Id of the request being served; callees get it as `X-A2A-Parent-Request-ID`. */
  readonly requestId: string;
  /**
   * `tenant/agent` of the caller, from the gateway's caller header (`X-A2A-Parent-Agent`): the
   * gateway writes it from the `sub` of the caller's verified token and drops any copy the caller
   * sent, so it is the only source of the caller. Unset on chat routes and outside the gateway.
   */
  readonly caller?: string;
  /** OpenTelemetry context of this hop. */
  readonly otel: Context;
}

const store = new AsyncLocalStorage<Lineage>();
const tracer = trace.getTracer('agent-runtime/agent');
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const CALLER = /^[a-z0-9-]{1,63}\/[a-z0-9-]{1,63}$/;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The lineage of the current request, if the code runs inside one. */
export function currentLineage(): Lineage | undefined {
  return store.getStore();
}

/** Runs `fn` as the handling of a request with these headers (a server span when OTel is installed). */
export function withIncomingLineage<T>(headers: IncomingHttpHeaders, name: string, fn: (l: Lineage) => T): T {
  const h = (k: string) => { const v = headers[k.toLowerCase()]; return Array.isArray(v) ? v[0] : v; };
  const tp = TRACEPARENT.exec(h('traceparent') ?? '');
  const w3cTraceId = tp?.[1] ?? hex(16);
  const sampled = tp ? (parseInt(tp[3], 16) & 1) === 1 : true;
  const remote = tp ? trace.setSpanContext(otelContext.active(), { traceId: w3cTraceId, spanId: tp[2], traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true }) : otelContext.active();
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, remote);
  const own = span.spanContext();
  // Without an OTel SDK the span is a no-op carrying its parent's ids: give this hop its own.
  const spanId = own.spanId !== tp?.[2] && trace.isSpanContextValid(own) ? own.spanId : hex(8);
  const traceHeader = h(TRACE_ID_HEADER);
  // The gateway's header, never the caller's claim (see constructs/contracts.ts CALLER_HEADER).
  const caller = h(CALLER_HEADER);
  const lineage: Lineage = {
    traceId: traceHeader && /^[\w.:-]{1,128}$/.test(traceHeader) ? traceHeader : w3cTraceId,
    w3cTraceId,
    spanId,
    sampled,
    requestId: h('x-request-id') && /^[\w.:-]{1,128}$/.test(h('x-request-id')!) ? h('x-request-id')! : randomUUID(),
    caller: caller && CALLER.test(caller) ? caller : undefined,
    otel: trace.setSpan(remote, span),
  };
  return otelContext.with(lineage.otel, () => store.run(lineage, () => {
    let out: T;
    try {
      out = fn(lineage);
    } catch (e) {
      span.end();
      throw e;
    }
    if (out && typeof (out as any).then === 'function') (out as any).then(() => span.end(), () => span.end());
    else span.end();
    return out;
  }));
}

/** Headers of one outgoing call from `self` (`tenant/agent`), inside or outside a served request. */
export function outgoingLineageHeaders(self: string | undefined): Record<string, string> {
  const l = store.getStore();
  const w3cTraceId = l?.w3cTraceId ?? hex(16);
  const out: Record<string, string> = {
    [TRACE_ID_HEADER]: l?.traceId ?? w3cTraceId,
    [PARENT_REQUEST_HEADER]: l?.requestId ?? randomUUID(),
    traceparent: `00-${w3cTraceId}-${hex(8)}-${l && !l.sampled ? '00' : '01'}`,
  };
  if (self) out[PARENT_AGENT_HEADER] = self;
  return out;
}
