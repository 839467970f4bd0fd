/**
 * The metrics port of an SDK agent: the exposition parses (parse-prometheus-text-format) and
 * carries the catalog's A2A and MCP families with the catalog's names and labels, so the
 * shipped recording rules, alerts and dashboard have data.
 */
import { RunningAgent } from '../../agent';
import { AGENT_TARGET_LABELS, METRICS, seriesOf } from '../../constructs/observability/metric-names';
import { buildAlertRules } from '../../constructs/observability/alert-rules';
import { rpcSend, startAgent } from './support';

const parse: (text: string) => Array<{ name: string; type: string; metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }> }> = require('parse-prometheus-text-format');

let agent: RunningAgent;
/** Families as exposed (names, types, counters). */
let families: ReturnType<typeof parse>;
/**
 * Every series with its labels: the parser folds a labelled histogram's samples into one
 * label-less entry, so histograms are read a second time without their TYPE line (as series).
 */
let series: ReturnType<typeof parse>;

beforeAll(async () => {
  agent = await startAgent({
    skills: {
      draft: async ({ text }) => `draft: ${text}`,
      boom: async () => { throw new Error('model unavailable'); },
    },
  });
  const post = (body: unknown, caller?: string) => fetch(`${agent.url}/`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(caller ? { 'x-a2a-parent-agent': caller } : {}) }, body: JSON.stringify(body),
  }).then((r) => r.json());
  const send = (text: string, skill: string, caller?: string) => {
    const body: any = rpcSend(text);
    body.params.message.metadata = { skillId: skill };
    return post(body, caller);
  };
  await send('a', 'draft', 'acme/orchestrator');
  await send('b', 'draft', 'acme/orchestrator');
  await send('c', 'draft', 'beta/other');
  const failed: any = await send('d', 'boom', 'acme/orchestrator');
  expect(failed.result.status.state).toBe('failed');
  await send('e', 'draft');
  await agent.metrics.tool('postgres', 'query', async () => 42);
  await expect(agent.metrics.tool('postgres', 'query', async () => { throw new Error('down'); })).rejects.toThrow('down');
  const res = await fetch(agent.metricsUrl);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  families = parse(text);
  series = parse(text.replace(/^# (HELP|TYPE) (\S+) .*\n/gm, (line, _k, name) => (families.find((f) => f.name === name)?.type === 'HISTOGRAM' ? '' : line)));
});
afterAll(async () => { await agent?.close(); });

const family = (name: string) => families.find((f) => f.name === name)!;
const seriesNamed = (name: string) => series.find((f) => f.name === name)!;
const value = (name: string, labels: Record<string, string>) =>
  Number(seriesNamed(name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? NaN);

test('every agent family of the catalog is exposed, with its type', () => {
  for (const def of Object.values(METRICS).filter((d) => d.source === 'agent')) {
    expect(family(def.name)).toMatchObject({ type: def.type.toUpperCase() });
  }
});

test('labels are the catalog\'s, without tenant and agent (added by the PodMonitor relabeling)', () => {
  for (const def of Object.values(METRICS).filter((d) => d.source === 'agent')) {
    const own = def.labels.filter((l) => !(AGENT_TARGET_LABELS as readonly string[]).includes(l)).sort();
    const names = def.type === 'histogram' ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`] : [def.name];
    for (const name of names) {
      expect(seriesNamed(name).metrics.length).toBeGreaterThan(0);
      for (const m of seriesNamed(name).metrics) expect(Object.keys(m.labels ?? {}).filter((l) => l !== 'le').sort()).toEqual(own);
    }
  }
});

test('served calls are counted per skill and calling agent; failures carry a reason', () => {
  expect(value('a2a_calls_total', { skill: 'draft', caller: 'acme/orchestrator' })).toBe(2);
  expect(value('a2a_calls_total', { skill: 'draft', caller: 'beta/other' })).toBe(1);
  expect(value('a2a_calls_total', { skill: 'draft', caller: 'unknown' })).toBe(1);
  expect(value('a2a_calls_total', { skill: 'boom', caller: 'acme/orchestrator' })).toBe(1);
  expect(value('a2a_calls_failed_total', { skill: 'boom', caller: 'acme/orchestrator', reason: 'error' })).toBe(1);
  expect(seriesNamed('a2a_calls_failed_total').metrics.filter((m) => m.labels?.skill === 'draft')).toEqual([]);
  expect(value('a2a_call_duration_ms_count', { skill: 'draft', caller: 'acme/orchestrator' })).toBe(2);
  expect(value('a2a_call_duration_ms_bucket', { skill: 'draft', caller: 'acme/orchestrator', le: '+Inf' })).toBe(2);
  // The default p95 budget (2000 ms) is a bucket boundary, so the latency alert is exact there.
  expect(value('a2a_call_duration_ms_bucket', { skill: 'draft', caller: 'acme/orchestrator', le: '2000' })).toBeGreaterThanOrEqual(0);
});

test('MCP tool calls are counted with server and tool', () => {
  expect(value('mcp_tool_calls_total', { server: 'postgres', tool: 'query' })).toBe(2);
  expect(value('mcp_tool_calls_failed_total', { server: 'postgres', tool: 'query', reason: 'error' })).toBe(1);
});

test('the series pass the agent PodMonitor keep-list and feed every A2A recording rule', () => {
  const keep = new RegExp(`^(${seriesOf('agent').join('|')})$`);
  const a2aSeries = ['a2a_calls_total', 'a2a_calls_failed_total', 'a2a_call_duration_ms_bucket', 'a2a_call_duration_ms_sum', 'a2a_call_duration_ms_count'];
  for (const s of a2aSeries) expect(s).toMatch(keep);
  const rules = buildAlertRules({ thresholds: {}, sources: ['agent'], registry: { namespace: 'nacos', statefulSet: 'nacos' }, tenantQuotaName: 'tenant-quota', tenants: [] })
    .flatMap((g) => g.rules).filter((r) => 'record' in r && r.record);
  expect(rules.length).toBeGreaterThan(0);
  const used = rules.flatMap((r) => [...(r.expr as string).matchAll(/\b(a2a_[a-z_]+|mcp_[a-z_]+)\b/g)].map((m) => m[1]));
  expect(used).toEqual(expect.arrayContaining(['a2a_calls_total', 'a2a_calls_failed_total', 'a2a_call_duration_ms_bucket']));
  for (const name of used) expect(series.map((f) => f.name)).toContain(name);
});
