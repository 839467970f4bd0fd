import { callSkill, serveAgent } from 'agent-runtime/agent';

export const agent = serveAgent({
  skills: {
    // One answer: an A2A message.
    refund: async ({ text }, ctx) => `refund queued for ${text} (trace ${ctx.traceId})`,
    // A stream: each piece is an artifact update; here another agent's stream passed through.
    explain: async function* ({ text }) {
      yield* callSkill('acme/search#web', text, { stream: true });
    },
  },
  // Public chat: SSE `message` events, then `done` with the token usage reported here.
  chat: async function* ({ message }, ctx) {
    ctx.usage({ inputTokens: 12, outputTokens: 3 });
    yield `you asked: ${message}`;
  },
});
