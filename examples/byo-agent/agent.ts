/**
 * A reference bring-your-own agent on the SDK. In your own project import from
 * 'agent-runtime/agent'; this example sits inside the package, hence the relative import.
 *
 * Run locally: A2A_HOST=127.0.0.1 node bin/run-ts.js examples/byo-agent/agent.ts
 */
import { callSkill, serveAgent } from '../../agent';

/** The skills `lookup` and `relay` pass their input to this skill of another agent. */
const RELAY_TO = process.env.RELAY_TO ?? 'acme/writer#draft';

serveAgent({
  skills: {
    // Answers at once: one A2A message.
    echo: async ({ text }, ctx) => `echo: ${text} (trace ${ctx.traceId})`,
    // Streams: each piece is an artifact update of the task, then the task completes.
    // Text "n", or data {n, intervalMs} to pause between pieces (a task long enough to cancel).
    count: async function* ({ text, data }, ctx) {
      const n = Math.min(Number(data?.n ?? text) || 3, 100);
      const pause = Math.min(Number(data?.intervalMs) || 0, 1000);
      for (let i = 1; i <= n && !ctx.signal.aborted; i++) {
        if (pause) await new Promise((r) => setTimeout(r, pause));
        yield `${i}`;
      }
    },
    // Calls another agent's skill through the gateway and answers with its reply.
    lookup: async ({ text }) => `found: ${(await callSkill(RELAY_TO, text)).text}`,
    // The same call streamed: the callee's events are passed through as they come.
    relay: async function* ({ text }) {
      yield* callSkill(RELAY_TO, text, { stream: true });
    },
  },
  // Public chat: SSE `message` events, then `done` with the usage reported here.
  chat: async function* ({ message }, ctx) {
    ctx.usage({ inputTokens: message.split(/\s+/).length, outputTokens: 2 });
    yield 'you said:';
    yield message;
  },
  // Used when the platform mounts no card (local runs); in the cluster the mounted card wins.
  card: {
    name: 'byo-example',
    description: 'Reference agent of agent-runtime/agent',
    version: '0.1.0',
    skills: [
      { id: 'echo', name: 'Echo', description: 'Repeats the input', tags: ['example'], examples: ['hello'] },
      { id: 'count', name: 'Count', description: 'Streams 1..n', tags: ['example', 'streaming'], examples: ['3'] },
      { id: 'lookup', name: 'Lookup', description: `Answers with the reply of ${RELAY_TO}`, tags: ['example'], examples: ['nacos a2a registry'] },
      { id: 'relay', name: 'Relay', description: `Streams the answer of ${RELAY_TO}`, tags: ['example'], examples: ['an intro paragraph'] },
    ],
  },
}).then((agent) => {
  console.log(`agent listening on ${agent.url} metrics ${agent.metricsUrl}`);
}, (e) => {
  console.error(e.message);
  process.exit(1);
});
