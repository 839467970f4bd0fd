/**
 * The selection, parallelism, failure and prune logic of `agent-runtime deploy`, against an
 * in-memory StackEngine (the interface the Automation API engine implements; its real runs are in
 * test/cli/deploy-real.test.ts).
 */
import { runDeploy, formatSummary, type DeployOptions, type DeployPlan } from '../../stacks/deploy/deploy-runner';
import { INPUTS_HASH_OUTPUT, type StackEngine, type StackProgram } from '../../stacks/deploy/stack-engine';

/** Stacks as a backend holds them: name -> outputs; records every call and the most updates at once. */
class MemoryEngine implements StackEngine {
  public readonly stacks = new Map<string, Record<string, unknown>>();
  public readonly calls: string[] = [];
  public readonly outputReads: string[] = [];
  public inFlight = 0;
  public maxInFlight = 0;
  public failing = new Set<string>();

  public readonly resourceCounts = new Map<string, number>();
  public async listStacks() { return [...this.stacks.keys()].map((name) => ({ name, resourceCount: this.resourceCounts.get(name) })); }
  public async outputs(stack: string) {
    this.outputReads.push(stack);
    return this.stacks.get(stack) ?? {};
  }
  public async update(stack: string, program: StackProgram, opts: { preview: boolean; refresh: boolean }) {
    this.calls.push(`${opts.preview ? 'preview' : 'up'}${opts.refresh ? '+refresh' : ''} ${stack}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Yield a few times, so every update the runner allows at once is in flight together.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      if (this.failing.has(stack)) throw new Error(`Command failed\nstderr: x\n  error: update of ${stack} failed: the apiserver said no`);
      const outputs = await program();
      if (!opts.preview) this.stacks.set(stack, outputs);
      return { changes: { create: 1, same: 3 }, outputs: opts.preview ? undefined : outputs };
    } finally {
      this.inFlight--;
    }
  }
  public async destroy(stack: string, opts: { preview: boolean }) {
    this.calls.push(`${opts.preview ? 'preview-destroy' : 'destroy'} ${stack}`);
    if (!opts.preview) this.stacks.delete(stack);
    return { changes: { delete: 4 } };
  }
}

/** A plan whose programs output their hash, and whose tenants record the platform outputs they were given. */
function plan(tenants: Record<string, string>, platformHash = 'p1', seen: Record<string, unknown> = {}): DeployPlan {
  return {
    env: 'dev',
    platform: { stack: 'dev.platform', hash: platformHash, program: () => ({ [INPUTS_HASH_OUTPUT]: platformHash, nacosCredentials: 'platform-creds' }) },
    tenants: Object.entries(tenants).map(([tenant, hash]) => ({
      tenant, stack: `dev.tenant-${tenant}`, hash,
      program: (platform: Record<string, unknown>) => () => {
        seen[tenant] = platform;
        return { [INPUTS_HASH_OUTPUT]: hash, tenant };
      },
    })),
  };
}

const OPTS: DeployOptions = { preview: false, refresh: false, prune: false, parallel: 2 };
const deployedWith = (engine: MemoryEngine, p: DeployPlan) => {
  engine.stacks.set(p.platform.stack, { [INPUTS_HASH_OUTPUT]: p.platform.hash, nacosCredentials: 'platform-creds' });
  for (const t of p.tenants) engine.stacks.set(t.stack, { [INPUTS_HASH_OUTPUT]: t.hash });
};

test('from empty: the platform first, then every tenant', async () => {
  const engine = new MemoryEngine();
  const outcomes = await runDeploy(plan({ acme: 'a1', globex: 'g1' }), engine, OPTS);
  expect(engine.calls[0]).toBe('up dev.platform');
  expect(engine.calls.slice(1).sort()).toEqual(['up dev.tenant-acme', 'up dev.tenant-globex']);
  expect(outcomes.every((o) => !o.error && o.reason === 'new')).toBe(true);
});

test('the hash decides exactly which stacks run: one changed tenant runs, nothing else', async () => {
  const engine = new MemoryEngine();
  deployedWith(engine, plan({ acme: 'a1', globex: 'g1', initech: 'i1' }));
  const outcomes = await runDeploy(plan({ acme: 'a1', globex: 'g2', initech: 'i1' }), engine, OPTS);
  expect(engine.calls).toEqual(['up dev.tenant-globex']);
  expect(Object.fromEntries(outcomes.map((o) => [o.stack, o.action]))).toEqual({
    'dev.platform': 'unchanged', 'dev.tenant-acme': 'unchanged', 'dev.tenant-globex': 'up', 'dev.tenant-initech': 'unchanged',
  });
  // Recorded: the next run with the same inputs runs nothing.
  engine.calls.length = 0;
  await runDeploy(plan({ acme: 'a1', globex: 'g2', initech: 'i1' }), engine, OPTS);
  expect(engine.calls).toEqual([]);
});

test('a changed platform runs alone when no tenant changed; a stack without a recorded hash runs', async () => {
  const engine = new MemoryEngine();
  deployedWith(engine, plan({ acme: 'a1', globex: 'g1' }));
  engine.stacks.set('dev.tenant-globex', {}); // e.g. its last update failed before recording
  await runDeploy(plan({ acme: 'a1', globex: 'g1' }, 'p2'), engine, OPTS);
  expect(engine.calls).toEqual(['up dev.platform', 'up dev.tenant-globex']);
});

test('--refresh runs every stack with refresh; --preview previews and records nothing', async () => {
  const engine = new MemoryEngine();
  deployedWith(engine, plan({ acme: 'a1', globex: 'g1' }));
  await runDeploy(plan({ acme: 'a1', globex: 'g1' }), engine, { ...OPTS, refresh: true });
  expect(engine.calls.sort()).toEqual(['up+refresh dev.platform', 'up+refresh dev.tenant-acme', 'up+refresh dev.tenant-globex']);
  engine.calls.length = 0;
  await runDeploy(plan({ acme: 'a2', globex: 'g1' }), engine, { ...OPTS, preview: true });
  expect(engine.calls).toEqual(['preview dev.tenant-acme']);
  expect(engine.stacks.get('dev.tenant-acme')?.[INPUTS_HASH_OUTPUT]).toBe('a1');
});

test('--tenant runs that tenant only, and names the tenants when it is not one', async () => {
  const engine = new MemoryEngine();
  deployedWith(engine, plan({ acme: 'a1', globex: 'g1' }));
  await runDeploy(plan({ acme: 'a2', globex: 'g2' }), engine, { ...OPTS, tenant: 'acme' });
  expect(engine.calls).toEqual(['up dev.tenant-acme']);
  await expect(runDeploy(plan({ acme: 'a2' }), engine, { ...OPTS, tenant: 'nope' })).rejects.toThrow('--tenant: "nope" is not a tenant of stack "dev" (tenants: acme)');
});

test('a failed tenant stack leaves the others deployed and is reported', async () => {
  const engine = new MemoryEngine();
  engine.failing.add('dev.tenant-globex');
  const lines: string[] = [];
  const outcomes = await runDeploy(plan({ acme: 'a1', globex: 'g1', initech: 'i1' }), engine, OPTS, (l) => lines.push(l));
  expect([...engine.stacks.keys()].sort()).toEqual(['dev.platform', 'dev.tenant-acme', 'dev.tenant-initech']);
  const failed = outcomes.filter((o) => o.error);
  expect(failed.map((o) => o.stack)).toEqual(['dev.tenant-globex']);
  expect(failed[0].error).toContain('update of dev.tenant-globex failed: the apiserver said no');
  expect(lines.some((l) => /dev\.tenant-globex: up FAILED/.test(l))).toBe(true);
  expect(formatSummary(outcomes)).toMatch(/dev\.tenant-globex\s+up\s+-\s+\d+\.\d s\s+FAILED: /);
  // The next run retries exactly the failed one (it recorded no hash).
  engine.failing.clear();
  engine.calls.length = 0;
  await runDeploy(plan({ acme: 'a1', globex: 'g1', initech: 'i1' }), engine, OPTS);
  expect(engine.calls).toEqual(['up dev.tenant-globex']);
});

test('a failed platform stack runs no tenant', async () => {
  const engine = new MemoryEngine();
  engine.failing.add('dev.platform');
  const outcomes = await runDeploy(plan({ acme: 'a1' }), engine, OPTS);
  expect(engine.calls).toEqual(['up dev.platform']);
  expect(outcomes.find((o) => o.stack === 'dev.tenant-acme')).toMatchObject({ action: 'not-run', reason: 'dev.platform failed' });
});

test('--prune destroys only the stacks of removed tenants; without it they are kept and reported', async () => {
  const engine = new MemoryEngine();
  deployedWith(engine, plan({ acme: 'a1', globex: 'g1', initech: 'i1' }));
  for (const other of ['dev', 'prod.tenant-globex', 'dev.platform-old', 'devx.tenant-initech']) engine.stacks.set(other, {});
  const kept = await runDeploy(plan({ acme: 'a1' }), engine, OPTS);
  expect(engine.calls).toEqual([]);
  expect(kept.filter((o) => o.action === 'kept').map((o) => o.stack)).toEqual(['dev.tenant-globex', 'dev.tenant-initech']);

  await runDeploy(plan({ acme: 'a1' }), engine, { ...OPTS, prune: true, preview: true });
  expect(engine.calls.sort()).toEqual(['preview-destroy dev.tenant-globex', 'preview-destroy dev.tenant-initech']);
  engine.calls.length = 0;
  await runDeploy(plan({ acme: 'a1' }), engine, { ...OPTS, prune: true, tenant: 'initech' });
  expect(engine.calls).toEqual(['destroy dev.tenant-initech']);
  engine.calls.length = 0;
  await runDeploy(plan({ acme: 'a1' }), engine, { ...OPTS, prune: true });
  expect(engine.calls).toEqual(['destroy dev.tenant-globex']);
  expect([...engine.stacks.keys()].sort()).toEqual(['dev', 'dev.platform', 'dev.platform-old', 'dev.tenant-acme', 'devx.tenant-initech', 'prod.tenant-globex']);
});

test('at most --parallel stacks run at once, and all of them do', async () => {
  for (const parallel of [1, 3]) {
    const engine = new MemoryEngine();
    const tenants = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`t${i}`, 'h']));
    await runDeploy(plan(tenants), engine, { ...OPTS, parallel });
    expect(engine.maxInFlight).toBe(parallel);
    expect(engine.calls).toHaveLength(8);
  }
  await expect(runDeploy(plan({}), new MemoryEngine(), { ...OPTS, parallel: 0 })).rejects.toThrow('--parallel: 0');
});

test('a tenant program gets the platform stack\'s outputs and reads no other stack', async () => {
  const engine = new MemoryEngine();
  deployedWith(engine, plan({ acme: 'a1', globex: 'g1' }));
  const seen: Record<string, unknown> = {};
  await runDeploy(plan({ acme: 'a2', globex: 'g2' }, 'p1', seen), engine, OPTS);
  expect(seen).toEqual({
    acme: { [INPUTS_HASH_OUTPUT]: 'p1', nacosCredentials: 'platform-creds' },
    globex: { [INPUTS_HASH_OUTPUT]: 'p1', nacosCredentials: 'platform-creds' },
  });
  // Reads: each stack's own recorded hash, and the platform's outputs once.
  expect(engine.outputReads.sort()).toEqual(['dev.platform', 'dev.platform', 'dev.tenant-acme', 'dev.tenant-globex']);
});

test('refuses, touching nothing, when the environment stack itself was deployed with pulumi up (two writers)', async () => {
  const engine = new MemoryEngine();
  engine.stacks.set('dev', {});
  engine.resourceCounts.set('dev', 120);
  await expect(runDeploy(plan({ acme: 'a1' }), engine, OPTS)).rejects.toThrow('stack "dev" holds 120 resources deployed with `pulumi up`; deploy would write the same objects');
  expect(engine.calls).toEqual([]);
  // The configuration holder alone (no resources) is what deploy expects.
  engine.resourceCounts.set('dev', 0);
  await runDeploy(plan({ acme: 'a1' }), engine, OPTS);
  expect(engine.calls[0]).toBe('up dev.platform');
});
