import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { syntheticConfig } from '../../bench/synthetic-platform';
import { buildPlatform } from '../../stacks/charts';
import { loadStackConfig, type PlatformConfig } from '../../stacks/config';
import { directoryFromConfig } from '../../stacks/directory-from-config';
import { synthesizeToDirectory } from '../../stacks/synth-to-directory';
import { withCanaryPinnedCall } from '../support/stack-configs';

const ROOT = path.resolve(__dirname, '..', '..');

test.each([
  ['dev', () => loadStackConfig('dev', ROOT)],
  ['staging', () => loadStackConfig('staging', ROOT)],
  ['prod', () => loadStackConfig('prod', ROOT)],
  ['dev with a call pinned to a canary of another tenant', () => withCanaryPinnedCall(loadStackConfig('dev', ROOT))],
  ['a synthetic platform', () => syntheticConfig(4, 3)],
])('the directory computed from the %s configuration is the one its constructs register', (_name, makeConfig) => {
  const config = makeConfig();
  const built = buildPlatform(config);
  const computed = directoryFromConfig(config, built.platform.facts);
  expect(computed).toEqual(built.directory.toData());
  expect(computed.agents.length).toBeGreaterThan(0);
});

describe('an item the constructs reject is left out, and synth on threads reports the constructs\' own error', () => {
  const withCalls = (calls: Record<string, string[]>): PlatformConfig => {
    const config = syntheticConfig(2, 2);
    return { ...config, tenants: config.tenants.map((t) => ({ ...t, agents: t.agents!.map((a) => ({ ...a, calls: calls[`${t.name}/${a.name}`] ?? a.calls })) })) };
  };
  test.each([
    // tenant-0/agent-1 -> tenant-1/agent-1 -> tenant-0/agent-1: the second call closes a cycle.
    ['a call closing a cycle', withCalls({ 'tenant-0/agent-1': ['tenant-1/agent-1#work'], 'tenant-1/agent-1': ['tenant-0/agent-1#work'] }), /tenants\[1\]\.agents\[1\]\.calls\[0\]: .* closes a cycle of calls/],
    ['a malformed call', withCalls({ 'tenant-1/agent-1': ['nonsense'] }), /tenants\[1\]\.agents\[1\]\.calls\[0\]: "nonsense" is not a skill reference/],
    // Found only when validating (a well-formed call to a skill nobody has): every thread's errors are reported together.
    ['calls to skills that do not exist', withCalls({ 'tenant-0/agent-1': ['tenant-1/agent-0#nope'], 'tenant-1/agent-1': ['tenant-0/agent-0#none'] }),
      /agent-runtime:tenants\[0\]\.agents\[1\]\.calls\[0\]: "tenant-1\/agent-0#nope" cannot be made[\s\S]*agent-runtime:tenants\[1\]\.agents\[1\]\.calls\[0\]: "tenant-0\/agent-0#none" cannot be made/],
  ])('%s', async (_name, config, expected) => {
    let sequential = '';
    try {
      buildPlatform(config);
    } catch (e) {
      sequential = (e as Error).message;
    }
    expect(sequential).toMatch(expected);
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rejected-')), 'out');
    await expect(synthesizeToDirectory(config, dir, { workers: 2, _workersOnly: true })).rejects.toThrow(sequential);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
