/**
 * Shared helpers of the runtime tests: sample cards and a client bound to a server (an emulator,
 * or the backend of `test/support/nacos-backend.ts`, emulator or real).
 */
import type { AgentCard } from '../../runtime/agent-card';
import { NacosClient, NacosClientOptions } from '../../runtime/nacos-client';

/** A server to talk to; credentials default to {@link USER}/{@link PASSWORD} (what emulators are seeded with). */
export interface Target {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

/** Credentials the emulators of these tests are seeded with. */
export const USER = 'nacos';
export const PASSWORD = 'S3cret-pa55word-never-logged';

/** A card valid for Nacos 3.1 and A2A 0.3 (`a2a-agentcard.md` §4), with overrides. */
export function sampleCard(name = 'billing-agent', version = '1.2.0', extra: Record<string, unknown> = {}): AgentCard {
  return {
    protocolVersion: '0.3.0',
    name,
    description: `Answers questions for ${name}`,
    version,
    url: `https://gateway.example.com/a2a/${name}`,
    preferredTransport: 'JSONRPC',
    capabilities: { streaming: true },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'refund', name: 'Refund', description: 'Issue a refund', tags: ['billing'] }],
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    security: [{ bearer: [] }],
    ...extra,
  } as AgentCard;
}

/** A client of `emu` with fast retries, collecting its log lines. */
export function clientFor(emu: Target, extra: Partial<NacosClientOptions> = {}): { client: NacosClient; logs: string[] } {
  const logs: string[] = [];
  const client = new NacosClient({
    endpoint: emu.url,
    username: emu.username ?? USER,
    password: emu.password ?? PASSWORD,
    retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 20 },
    log: (line) => logs.push(line),
    ...extra,
  });
  return { client, logs };
}

/** Raw form-encoded or query request against the emulator, for wire-level assertions. */
export async function raw(
  emu: Target,
  method: string,
  path: string,
  opts: { query?: Record<string, string>; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const url = new URL(`${emu.url}${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Logs in over the wire and returns the token. */
export async function loginToken(emu: Target): Promise<string> {
  const res = await raw(emu, 'POST', '/v3/auth/user/login', { form: { username: emu.username ?? USER, password: emu.password ?? PASSWORD } });
  return res.json.accessToken;
}

/**
 * The value of `read()` once it equals `expected`, or its last value after ~5 s. The real Nacos
 * 3.1 applies a DELETE to its read cache a moment after answering it, so a read right after a
 * delete may still see the deleted version; the emulator is consistent at once.
 * @example expect(await settled(() => versions('a'), ['1'])).toEqual(['1']);
 */
export async function settled<T>(read: () => Promise<T>, expected: T): Promise<T> {
  let value = await read();
  for (let i = 0; i < 50 && JSON.stringify(value) !== JSON.stringify(expected); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
