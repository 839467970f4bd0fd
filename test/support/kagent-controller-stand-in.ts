/**
 * The part of kagent's controller HTTP API (port 8083) its Python engine calls: sessions and their
 * events, tasks, and memories (`_session_service.py`, kagent-core `_task_store.py`,
 * `_memory_service.py`), with kagent's envelope `{ error, data }`. In memory, bounded, recording
 * every call (so a test sees the engine's memory use and the agent it says it is).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ControllerCall {
  readonly method: string;
  readonly path: string;
  readonly agent?: string;
  readonly body?: any;
}

export interface KagentControllerStandIn {
  readonly url: string;
  readonly calls: ControllerCall[];
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const MAX_ITEMS = 10_000;

export async function startKagentControllerStandIn(): Promise<KagentControllerStandIn> {
  const calls: ControllerCall[] = [];
  const sessions = new Map<string, { session: any; events: any[] }>();
  const tasks = new Map<string, any>();
  const memories: any[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => { size += c.length; if (size > MAX_BODY) req.destroy(); else chunks.push(c); });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
      calls.push({ method: req.method ?? '', path: u.pathname, agent: req.headers['x-agent-name'] as string | undefined, body });
      const ok = (data: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: false, data }));
      const missing = () => res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: true, message: 'not found' }));
      const p = u.pathname;
      let m: RegExpExecArray | null;
      if (calls.length > MAX_ITEMS) calls.splice(0, calls.length - MAX_ITEMS);
      if (req.method === 'POST' && p === '/api/sessions') {
        const s = { id: body.id, user_id: body.user_id, agent_ref: body.agent_ref, name: body.name ?? null };
        sessions.set(s.id, { session: s, events: [] });
        return ok(s, 201);
      }
      if ((m = /^\/api\/sessions\/([^/]+)\/events$/.exec(p)) && req.method === 'POST') {
        const s = sessions.get(decodeURIComponent(m[1]));
        if (!s) return missing();
        if (s.events.length < MAX_ITEMS) s.events.push({ id: body.id, data: body.data });
        return ok({ id: body.id }, 201);
      }
      if ((m = /^\/api\/sessions\/([^/]+)$/.exec(p))) {
        const id = decodeURIComponent(m[1]);
        if (req.method === 'DELETE') { sessions.delete(id); return ok({}); }
        const s = sessions.get(id);
        return s ? ok({ session: s.session, events: s.events }) : missing();
      }
      if (req.method === 'POST' && p === '/api/tasks') {
        if (tasks.size < MAX_ITEMS) tasks.set(body.id, body);
        return ok(body, 201);
      }
      if ((m = /^\/api\/tasks\/([^/]+)$/.exec(p))) {
        const t = tasks.get(decodeURIComponent(m[1]));
        if (req.method === 'DELETE') { tasks.delete(decodeURIComponent(m[1])); return ok({}); }
        return t ? ok(t) : missing();
      }
      if (req.method === 'POST' && /^\/api\/memories\/sessions(\/batch)?$/.test(p)) {
        if (memories.length < MAX_ITEMS) memories.push(body);
        return ok({}, 201);
      }
      if (req.method === 'POST' && p === '/api/memories/search') return ok([]);
      return missing();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}
