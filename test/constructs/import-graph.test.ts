import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.join(__dirname, '../../constructs');

/** Relative imports (type-only ones included) of every module under constructs/. */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir)) {
      const full = path.join(dir, f);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (f.endsWith('.ts')) {
        const src = fs.readFileSync(full, 'utf8');
        const deps = [...src.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) => {
          const p = path.resolve(path.dirname(full), m[1]);
          return fs.existsSync(`${p}.ts`) ? `${p}.ts` : path.join(p, 'index.ts');
        });
        g.set(full, deps);
      }
    }
  };
  walk(DIR);
  return g;
}

function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of g.get(n) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(DIR, x)));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of g.keys()) if (!state.has(n)) visit(n);
  return found;
}

describe('constructs import graph', () => {
  test('has no cycle (contracts.ts is the leaf agents, tenants, pools and canaries share)', () => {
    expect(cycles(graph())).toEqual([]);
  });

  test('contracts.ts imports no construct module', () => {
    const deps = graph().get(path.join(DIR, 'contracts.ts'))!.map((d) => path.basename(d));
    expect(deps.filter((d) => /^(agent|tenant-namespace|canary-release|sandbox-pool)\.ts$/.test(d))).toEqual([]);
  });

  test('ITenantNamespace exposes no internal mutator', () => {
    const src = fs.readFileSync(path.join(DIR, 'contracts.ts'), 'utf8');
    const body = /export interface ITenantNamespace[^{]*\{([\s\S]*?)\n\}/.exec(src)![1];
    expect(body.match(/^\s+_\w+\(/gm) ?? []).toEqual([]);
  });
});
