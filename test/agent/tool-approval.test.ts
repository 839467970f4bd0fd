import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readMemorySettings, ToolApprovals, ToolCallNotApproved } from '../../agent';

describe('ToolApprovals (BYO agents)', () => {
  test('a listed tool runs only after approval; the handler learns of the wait with the request id', async () => {
    const approvals = new ToolApprovals({}, { AGENT_TOOLS_REQUIRE_APPROVAL: 'delete_page, refund' });
    let ran = 0;
    const seen: string[] = [];
    const call = approvals.guard({ tool: 'delete_page', arguments: { id: 7 } }, async () => ++ran, (req) => { seen.push(req.id); });
    await new Promise((r) => setImmediate(r));
    expect(ran).toBe(0);
    expect(approvals.pending()).toEqual([{ id: seen[0], call: { tool: 'delete_page', arguments: { id: 7 } } }]);
    expect(approvals.decide(seen[0], { approved: true })).toBe(true);
    await expect(call).resolves.toBe(1);
    expect(approvals.pending()).toEqual([]);
    expect(approvals.decide(seen[0], { approved: true })).toBe(false);
  });

  test('an unlisted tool runs at once', async () => {
    const approvals = new ToolApprovals({ requireApproval: ['refund'] });
    await expect(approvals.guard({ tool: 'search' }, async () => 'ok')).resolves.toBe('ok');
  });

  test('a rejection, a missing decision and a full queue never run the tool', async () => {
    const approvals = new ToolApprovals({ requireApproval: ['refund'], timeoutMs: 1, maxPending: 1 });
    const run = jest.fn(async () => 'ran');
    await expect(approvals.guard({ tool: 'refund' }, run)).rejects.toThrow(new ToolCallNotApproved({ tool: 'refund' }, 'no decision within 1 ms'));
    const waiting = new ToolApprovals({ requireApproval: ['refund'], maxPending: 1 });
    let id = '';
    const first = waiting.guard({ tool: 'refund' }, run, (r) => { id = r.id; });
    await expect(waiting.guard({ tool: 'refund' }, run)).rejects.toThrow('tool call "refund" was not approved: 1 calls already wait for approval');
    waiting.decide(id, { approved: false, reason: 'not today' });
    await expect(first).rejects.toThrow('tool call "refund" was not approved: not today');
    expect(run).not.toHaveBeenCalled();
  });
});

describe('readMemorySettings (BYO agents)', () => {
  test('reads the store from env and the key from the mounted file, again after a rotation', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-'));
    const keyFile = path.join(dir, 'api-key');
    fs.writeFileSync(keyFile, 'pc-key-1\n');
    const m = readMemorySettings({
      AGENT_MEMORY_PROVIDER: 'Pinecone', AGENT_MEMORY_INDEX_HOST: 'https://idx.pinecone.io', AGENT_MEMORY_NAMESPACE: 'support',
      AGENT_MEMORY_TOP_K: '8', AGENT_MEMORY_SCORE_THRESHOLD: '0.75', AGENT_MEMORY_API_KEY_FILE: keyFile,
    })!;
    expect(m).toMatchObject({ provider: 'Pinecone', indexHost: 'https://idx.pinecone.io', namespace: 'support', topK: 8, scoreThreshold: 0.75, ttlDays: 15 });
    expect(m.apiKey()).toBe('pc-key-1');
    fs.writeFileSync(keyFile, 'pc-key-2-rotated');
    expect(m.apiKey()).toBe('pc-key-2-rotated');
    fs.rmSync(keyFile);
    expect(() => m.apiKey()).toThrow('the memory store\'s API key is missing or empty');
  });

  test('is undefined without a store, and names a malformed variable', () => {
    expect(readMemorySettings({})).toBeUndefined();
    expect(() => readMemorySettings({ AGENT_MEMORY_INDEX_HOST: 'https://i', AGENT_MEMORY_API_KEY_FILE: '/x', AGENT_MEMORY_TOP_K: 'lots' })).toThrow('AGENT_MEMORY_TOP_K=lots is not allowed');
    expect(() => readMemorySettings({ AGENT_MEMORY_INDEX_HOST: 'https://i' })).toThrow('AGENT_MEMORY_API_KEY_FILE is not set');
  });
});
