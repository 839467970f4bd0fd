/**
 * A local model behind the OpenAI chat-completions contract (`POST /v1/chat/completions`, Bearer
 * key, `tools` / `tool_calls`, `stream: true` as SSE chunks ending in `data: [DONE]`; and
 * `POST /v1/embeddings`), so kagent's
 * engine runs unchanged against it. Its "reasoning" is a rule: when the last user message names an
 * offered tool (`call <tool> {json args}`), it calls it; after a tool result it answers with it;
 * otherwise it answers `stand-in model: <the user text>`. Every request is recorded for assertions.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCompletion {
  readonly authorization?: string;
  readonly body: any;
}

export interface OpenAiStandIn {
  readonly url: string;
  readonly requests: RecordedCompletion[];
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

function reply(body: any): { content?: string; toolCall?: { name: string; arguments: string } } {
  const messages: any[] = body.messages ?? [];
  const last = messages[messages.length - 1];
  const text = (m: any) => (typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((p: any) => p.text ?? '').join(''));
  if (last?.role === 'tool') return { content: `tool result: ${text(last)}` };
  const tools: string[] = (body.tools ?? []).map((t: any) => t.function?.name).filter(Boolean);
  const said = text([...messages].reverse().find((m) => m.role === 'user'));
  const m = /call (\S+)\s*(\{.*\})?/s.exec(said);
  if (m && tools.includes(m[1])) return { toolCall: { name: m[1], arguments: m[2] ?? '{}' } };
  return { content: `stand-in model: ${said}` };
}

export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
  const requests: RecordedCompletion[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { res.writeHead(413).end(); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (req.method === 'POST' && /\/embeddings$/.test(req.url ?? '')) {
        let eb: any;
        try { eb = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { res.writeHead(400).end(); return; }
        requests.push({ authorization: req.headers.authorization, body: eb });
        const inputs: string[] = Array.isArray(eb.input) ? eb.input : [eb.input];
        const dims = Number.isInteger(eb.dimensions) && eb.dimensions > 0 && eb.dimensions <= 4096 ? eb.dimensions : 768;
        // A deterministic unit-ish vector per input (the contract's shape; values are not semantic).
        const vector = (t: string) => Array.from({ length: dims }, (_, i) => ((t.charCodeAt(i % Math.max(1, t.length)) || 1) % 7) / 7);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          object: 'list', model: eb.model, data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: vector(String(t)) })),
          usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
        }));
        return;
      }
      if (req.method !== 'POST' || !/\/chat\/completions$/.test(req.url ?? '')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      let body: any;
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid JSON', type: 'invalid_request_error' } }));
        return;
      }
      requests.push({ authorization: req.headers.authorization, body });
      const r = reply(body);
      const id = `chatcmpl-${++n}`;
      const created = Math.floor(Date.now() / 1000);
      const toolCalls = r.toolCall ? [{ index: 0, id: `call_${n}`, type: 'function', function: r.toolCall }] : undefined;
      const finish = r.toolCall ? 'tool_calls' : 'stop';
      const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const send = (delta: any, finish_reason: string | null, extra = {}) => res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason }], ...extra })}\n\n`);
        send({ role: 'assistant', ...(r.content ? { content: r.content } : {}), ...(toolCalls ? { tool_calls: toolCalls } : {}) }, null);
        send({}, finish, { usage });
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id, object: 'chat.completion', created, model: body.model,
        choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content: r.content ?? null, ...(toolCalls ? { tool_calls: toolCalls.map(({ index: _i, ...t }) => t) } : {}) } }],
        usage,
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
