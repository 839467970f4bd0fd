/**
 * Agent SDK benchmark on loopback, against a bare HTTP call measured in the same run: the same
 * JSON-RPC `message/send` posted with `fetch` to a plain `node:http` server that answers a
 * fixed A2A message. Four pairings separate the client's and the server's share:
 * bare->bare (baseline), SDK client->bare, bare->SDK agent, SDK client->SDK agent.
 * Latency is per sequential call (p50, p99); throughput is calls per second with 16 in flight.
 * Prints figures and never fails on time. Alone: `node bin/run-ts.js bench/sdk.ts`.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { serveAgent, SkillClient } from '../agent';

const SEQUENTIAL = 2000;
const CONCURRENT = 2000;
const HEAP_CALLS = 10_000;

/** Heap used after a full GC, MiB (GC exposed at run time when the process was not started with --expose-gc). */
function _heapAfterGcMb(): number {
  if (typeof (globalThis as { gc?: () => void }).gc !== 'function') v8.setFlagsFromString('--expose-gc');
  const gc = (globalThis as { gc?: () => void }).gc ?? (vm.runInNewContext('gc') as () => void);
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
const IN_FLIGHT = 16;

type Caller = () => Promise<unknown>;

/** Runs the benchmark and returns its figures. */
export async function benchSdk(): Promise<Record<string, unknown>> {
  const bare = await _bareServer();
  const agent = await serveAgent({
    // `steps` answers as a task (kept in the task store), for the heap run.
    skills: { echo: async ({ text }) => text, steps: async function* ({ text }) { yield text; } },
    host: '127.0.0.1', port: 0, metricsPort: 0, handleSignals: false, processMetrics: false,
    env: { A2A_AGENT_CARD_FILE: '/nonexistent', A2A_AGENT: 'bench/callee' },
  });
  const client = (url: string) => new SkillClient({ A2A_AGENT: 'bench/caller', A2A_CALLS: JSON.stringify([{ ref: 'bench/callee#echo', url }, { ref: 'bench/callee#steps', url: url.replace(/echo$/, 'steps') }]) });
  const sdkToBare = client(`${bare.url}/api/v1/internal/a2a/bench/callee/echo`);
  const sdkToSdk = client(`${agent.url}/api/v1/internal/a2a/bench/callee/echo`);
  const pairs: Record<string, Caller> = {
    bare: () => _post(bare.url),
    sdkClient: () => sdkToBare.call('bench/callee#echo', 'hello'),
    sdkServer: () => _post(agent.url),
    sdk: () => sdkToSdk.call('bench/callee#echo', 'hello'),
  };
  try {
    for (const call of Object.values(pairs)) await _sequential(call, 300); // warm-up: JIT, sockets
    const out: Record<string, { p50Ms: number; p99Ms: number; callsPerSecond: number }> = {};
    // Interleaved rounds, so drift of a shared machine hits every pairing alike.
    const lat: Record<string, number[]> = Object.fromEntries(Object.keys(pairs).map((k) => [k, []]));
    for (let round = 0; round < 4; round++) {
      for (const [name, call] of Object.entries(pairs)) lat[name].push(...await _sequential(call, SEQUENTIAL / 4));
    }
    for (const [name, call] of Object.entries(pairs)) {
      const sorted = lat[name].sort((a, b) => a - b);
      out[name] = { p50Ms: _round(_pct(sorted, 0.5), 3), p99Ms: _round(_pct(sorted, 0.99), 3), callsPerSecond: Math.round(await _throughput(call)) };
    }
    // Heap after GC as task-producing calls go on: flat once the task store is full (1000 tasks).
    const heap: number[] = [];
    for (let i = 0; i < HEAP_CALLS; i++) {
      if (i % (HEAP_CALLS / 4) === 0) heap.push(_heapAfterGcMb());
      await sdkToSdk.call('bench/callee#steps', `call ${i}`);
    }
    heap.push(_heapAfterGcMb());
    return {
      heapAfterGcMbEvery2500TaskCalls: heap.map((h) => _round(h, 1)),
      heapGrowthSecondHalfMb: _round(heap[heap.length - 1] - heap[2], 1),
      sequentialCalls: SEQUENTIAL,
      concurrentCalls: CONCURRENT,
      inFlight: IN_FLIGHT,
      ...out,
      overheadP50Ms: _round(out.sdk.p50Ms - out.bare.p50Ms, 3),
      overheadP99Ms: _round(out.sdk.p99Ms - out.bare.p99Ms, 3),
      ratioP50ToBare: _round(out.sdk.p50Ms / out.bare.p50Ms),
      ratioP99ToBare: _round(out.sdk.p99Ms / out.bare.p99Ms),
      ratioThroughputToBare: _round(out.sdk.callsPerSecond / out.bare.callsPerSecond),
      note: 'client and servers share one process (and its event loop) on loopback; sdkClient/sdkServer isolate each side',
    };
  } finally {
    await agent.close();
    await bare.close();
  }
}

const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', role: 'user', messageId: 'm', parts: [{ kind: 'text', text: 'hello' }], metadata: { skillId: 'echo' } } } });

/** The baseline call: one fetch POST of a JSON-RPC body, the JSON answer read. */
async function _post(url: string): Promise<unknown> {
  const res = await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  return res.json();
}

/** A plain node:http server answering every POST with a fixed A2A message. */
async function _bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const answer = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { kind: 'message', role: 'agent', messageId: 'r', parts: [{ kind: 'text', text: 'hello' }] } });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function _sequential(call: Caller, n: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  return ms;
}

async function _throughput(call: Caller): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next++ < CONCURRENT) await call();
  }));
  return CONCURRENT / ((performance.now() - start) / 1000);
}

const _pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const _round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  benchSdk().then((r) => console.log(JSON.stringify(r, null, 2)), (e) => { console.error(e); process.exitCode = 1; });
}
