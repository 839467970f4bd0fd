/**
 * The official Python a2a-sdk 1.x client, and a2a-lint --live, against the reference agent
 * (examples/byo-agent, its own process): card, send, stream, get task and cancel over 1.0
 * JSON-RPC, 1.0 HTTP+JSON and 0.3 JSON-RPC (the SDK's compat transport); the linter grades the
 * agent with all four skills. The venv is installed outside the repo on first use.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { a2aPython, venvBin } from './python-venv';
import { startExampleAgent } from './support';

const run = promisify(execFile);
let python: string;
let agent: Awaited<ReturnType<typeof startExampleAgent>>;
beforeAll(async () => {
  python = a2aPython();
  agent = await startExampleAgent({ A2A_AGENT: 'acme/byo-example' });
}, 20 * 60_000);
afterAll(async () => { await agent?.stop(); });

test('a2a-sdk (Python) 1.x: card, send, stream, get task, cancel in 1.0 JSON-RPC, 1.0 HTTP+JSON and 0.3 JSON-RPC', async () => {
  const { stdout } = await run(python, [path.join(__dirname, 'python', 'a2a_client_check.py'), agent.url], { timeout: 120_000 });
  const out = JSON.parse(stdout);
  expect(out.card).toMatchObject({ name: 'byo-example', capabilities: { streaming: true } });
  expect(Object.keys(out.modes)).toEqual(['JSONRPC 1.0', 'HTTP+JSON 1.0', 'JSONRPC 0.3']);
  for (const [mode, m] of Object.entries<any>(out.modes)) {
    expect({ mode, error: m.error }).toEqual({ mode, error: undefined });
    expect(m.send).toEqual([{ message: expect.objectContaining({ role: 'ROLE_AGENT', parts: [{ text: expect.stringMatching(/^echo: hello \(trace [0-9a-f]{32}\)$/) }] }) }]);
    expect(m.sendTaskState).toBe('TASK_STATE_COMPLETED');
    expect(m.getTask).toEqual({ state: 'TASK_STATE_COMPLETED', artifacts: ['1', '2'] });
    expect(m.stream).toEqual(['task', 'artifact_update', 'artifact_update', 'artifact_update', 'status_update']);
    expect(m.streamTexts).toEqual(['1', '2', '3']);
    expect(m.streamLastState).toBe('TASK_STATE_COMPLETED');
    expect([m.cancel, m.cancelStreamLast, m.cancelGetTask]).toEqual(['TASK_STATE_CANCELED', 'TASK_STATE_CANCELED', 'TASK_STATE_CANCELED']);
  }
});

test('a2a-lint --live --strict passes (exit 0, grade A, no errors or warnings)', async () => {
  const { stdout } = await run(venvBin(python, 'a2a-lint'), [agent.url, '--live', '--strict', '--json'], { timeout: 120_000 });
  const report = JSON.parse(stdout);
  expect(report).toMatchObject({ ok: true, agent: 'byo-example', summary: { errors: 0, warnings: 0, grade: 'A' } });
  expect(report.streamEvents).toBeGreaterThan(0);
  expect(report.findings.filter((f: any) => f.level !== 'info')).toEqual([]);
});
