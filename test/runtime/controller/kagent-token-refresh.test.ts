/**
 * Issue 28, "tokens that reach kagent": with a short token lifetime, a declarative caller's engine
 * config never holds an expired token, and its Agent is valid from kagent's first reconcile.
 *
 * kagent is not run here (its controller cannot be built from the Go proxy); {@link KagentSimulation}
 * does what kagent v0.9.12's Agent controller does with tokens, from its code:
 * - it reconciles an Agent on create, and on update only when the generation or the labels change
 *   (`agent_controller.go`: `For(&Agent{}, predicate.Or(GenerationChangedPredicate{}, LabelChangedPredicate{}))`);
 *   annotation and status changes pass neither;
 * - it watches no Secret: a rotated token Secret alone triggers nothing;
 * - each reconcile resolves every tool's `headersFrom` (`Tool.ResolveHeaders` → `ValueRef.Resolve` →
 *   `utils.GetSecretValue`): a missing Secret or key fails the translation (`key authorization not found
 *   in Secret ...`), the Agent is marked `Accepted=False` and nothing is requeued (`reconcileAgentStatus`
 *   returns nil); otherwise the value is copied into the engine's config.json;
 * - a changed config.json changes the pod template's `kagent.dev/config-hash`, so the engine restarts
 *   on it: the engine's config is the last translated one.
 * The clock is simulated: no timed assertion.
 */
import { generateKeyPairSync } from 'node:crypto';
import { LABEL } from '../../../constructs/labels';
import { AgentTokens } from '../../../runtime/controller/agent-tokens';
import type { ConfigMapObject } from '../../../runtime/controller/desired-state';
import { loadSigningKeys } from '../../../runtime/controller/internal-jwt';
import { KagentAgentObject, KagentAgentWriter, TOKEN_FINGERPRINT_LABEL } from '../../../runtime/controller/kagent-token-refresh';
import { FakeInformer, FakeWriter } from '../../support/fake-cluster';
import { NacosBackend, nacosBackend } from '../../support/nacos-backend';
import { byoAgent, FACTS, tenantChart } from '../../constructs/_example';
import { controllerFor, settle } from './_cluster';

const TTL_SECONDS = 60;
const ISSUER = 'https://a2a.internal.example.com';

let nacos: NacosBackend;
const stops: (() => Promise<void>)[] = [];
beforeEach(async () => {
  nacos = await nacosBackend();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await nacos.close();
});

/** kagent v0.9.12's Agent controller, for what concerns `headersFrom` (see the file comment). */
class KagentSimulation implements KagentAgentWriter {
  /** Agent name -> the Authorization header its engine runs with (from config.json). */
  readonly engine = new Map<string, string>();
  readonly accepted = new Map<string, { status: boolean; message?: string }>();
  readonly reconciles = new Map<string, number>();
  private readonly _last = new Map<string, KagentAgentObject>();

  constructor(
    readonly agents: FakeInformer<KagentAgentObject>,
    private readonly _secrets: FakeWriter,
  ) {
    agents.onChange((a, deleted) => {
      const id = `${a.metadata.namespace}/${a.metadata.name}`;
      const old = this._last.get(id);
      if (deleted) return void this._last.delete(id);
      this._last.set(id, a);
      // GenerationChangedPredicate / LabelChangedPredicate: Create passes both; Update passes on a change of either.
      if (!old || old.metadata.generation !== a.metadata.generation || _canonical(old.metadata.labels) !== _canonical(a.metadata.labels)) this._reconcile(a);
    });
  }

  /** The API server's answer to the controller's server-side apply of one label (with its resourceVersion precondition). */
  async applyAgentLabel(agent: { namespace: string; name: string; resourceVersion?: string }, label: string, value: string): Promise<void> {
    const stored = this.agents.objects.get(`${agent.namespace}/${agent.name}`);
    if (!stored) throw new Error(`404: agents.kagent.dev "${agent.name}" not found`);
    if (agent.resourceVersion && stored.metadata.resourceVersion !== agent.resourceVersion) throw new Error('409: the object has been modified');
    // Metadata changes do not bump a custom resource's generation.
    this.agents.apply({ ...stored, metadata: { ...stored.metadata, labels: { ...stored.metadata.labels, [label]: value } } });
  }

  private _reconcile(a: KagentAgentObject): void {
    const name = a.metadata.name;
    this.reconciles.set(name, (this.reconciles.get(name) ?? 0) + 1);
    try {
      let authorization: string | undefined;
      for (const tool of a.spec?.declarative?.tools ?? []) {
        for (const h of tool.headersFrom ?? []) {
          const ref = h.valueFrom as { type: string; name: string; key: string };
          const secret = this._secrets.secrets.get(`${a.metadata.namespace}/${ref.name}`);
          if (!secret) throw new Error(`failed to find Secret ${a.metadata.namespace}/${ref.name}`);
          const value = secret.data?.[ref.key];
          if (value === undefined) throw new Error(`key ${ref.key} not found in Secret ${a.metadata.namespace}/${ref.name}`);
          authorization = Buffer.from(value, 'base64').toString('utf8');
        }
      }
      if (authorization) this.engine.set(name, authorization);
      this.accepted.set(name, { status: true });
    } catch (err) {
      this.accepted.set(name, { status: false, message: (err as Error).message });
    }
  }
}

function _canonical(labels: Readonly<Record<string, string>> | undefined): string {
  return JSON.stringify(Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

/** acme with a declarative caller "planner" (calls acme/search), synthesized on a platform whose controller issues tokens. */
function synthDeclarativeCaller() {
  const facts = { ...FACTS, runtimeController: { namespace: 'agent-runtime' } };
  const { chart, tenant } = tenantChart({ name: 'acme' }, undefined, facts);
  const declarative = { model: { provider: 'OpenAI' as const, model: 'gpt-4o-mini', apiKeySecret: { name: 'openai', key: 'api-key' } }, systemMessage: 'Be brief.' };
  tenant.addAgent({ name: 'search', description: 'search', skills: byoAgent('search', ['answer']).skills, declarative });
  tenant.addAgent({ name: 'planner', description: 'plans', skills: byoAgent('planner', ['plan']).skills, calls: ['acme/search#answer'], declarative });
  const objects = chart.toJson() as any[];
  return {
    configMaps: objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[LABEL.role] === 'agent-card') as ConfigMapObject[],
    agents: objects.filter((o) => o.kind === 'Agent') as KagentAgentObject[],
    tokenSecret: objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'planner-a2a-token'),
  };
}

/** `exp` (ms) of the JWT in a `Bearer <jwt>` header. */
function expiresAt(authorization: string): number {
  const payload = JSON.parse(Buffer.from(authorization.replace(/^Bearer /, '').split('.')[1], 'base64url').toString('utf8'));
  return payload.exp * 1000;
}

/**
 * Runs the platform for `hours` of simulated time in 1 s steps: the reconcile of planner runs
 * whenever its `requeueAfter` says (as the work queue would), kagent reacts as simulated. Returns
 * the moments the engine's token had expired, and how many different tokens it ran with.
 */
async function run(opts: { kagentRefresh: boolean; minutes: number }) {
  const synth = synthDeclarativeCaller();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const writer = new FakeWriter();
  writer.declareSecret(synth.tokenSecret);
  const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const keys = loadSigningKeys(keyPem);
  const tokens = new AgentTokens(writer, { internalIssuer: ISSUER, ttlSeconds: TTL_SECONDS, keys: () => keys, now: () => clock });
  const kagent = new KagentSimulation(new FakeInformer<KagentAgentObject>(), writer);
  // The workers stay off: this test is the work queue, and calls the reconcile itself on the simulated clock.
  const bed = controllerFor(nacos, { writer, tokens, isLeader: () => false, kagent: opts.kagentRefresh ? { agents: kagent.agents, writer: kagent } : undefined });
  for (const cm of synth.configMaps) bed.configMaps.apply(cm);
  await bed.controller.start();
  stops.push(() => bed.controller.stop());
  // kagent runs whether the controller refreshes or not.
  if (!opts.kagentRefresh) await kagent.agents.start();

  // Pulumi: the token Secret first, ready once the controller wrote the first token (its waitFor),
  // then the Agents that depend on it (config.kubernetes.io/depends-on).
  let next = await bed.controller.reconciler.reconcile('acme/planner');
  const waitFor = synth.tokenSecret.metadata.annotations['pulumi.com/waitFor'] as string;
  const waitedKey = /^jsonpath=\{\.data\.([\w-]+)\}$/.exec(waitFor)![1];
  expect(writer.secrets.get('acme/planner-a2a-token')!.data![waitedKey]).toBeDefined();
  const planner = synth.agents.find((a) => a.metadata.name === 'planner')!;
  expect(planner.metadata.annotations?.['config.kubernetes.io/depends-on']).toBe('/namespaces/acme/Secret/planner-a2a-token');
  for (const a of synth.agents) kagent.agents.apply({ ...a, metadata: { ...a.metadata, generation: 1 } });
  const firstVerdict = kagent.accepted.get('planner');

  let due = clock + (next.requeueAfter ?? Infinity);
  // The controller sees the new Agent (its informer) and reconciles the key at once.
  next = await bed.controller.reconciler.reconcile('acme/planner');
  due = clock + (next.requeueAfter ?? Infinity);
  const expiredAt: string[] = [];
  const seen = new Set<string>();
  for (let s = 0; s < opts.minutes * 60; s++) {
    clock += 1000;
    if (clock >= due) {
      next = await bed.controller.reconciler.reconcile('acme/planner');
      due = clock + (next.requeueAfter ?? Infinity);
    }
    const header = kagent.engine.get('planner');
    if (!header || expiresAt(header) <= clock) expiredAt.push(new Date(clock).toISOString());
    if (header) seen.add(header);
  }
  await settle(bed.controller);
  return { firstVerdict, expiredAt, tokens: seen.size, kagent, synth };
}

describe('declarative callers\' tokens reach kagent', () => {
  test(`with a ${TTL_SECONDS} s token lifetime over 10 minutes, the engine config never holds an expired token, and the Agent is valid from kagent's first reconcile`, async () => {
    const { firstVerdict, expiredAt, tokens, kagent, synth } = await run({ kagentRefresh: true, minutes: 10 });
    expect(firstVerdict).toEqual({ status: true });
    expect(expiredAt).toEqual([]);
    // Rotated at 2/3 of 60 s: 15 tokens in 10 minutes, each one reached the engine.
    expect(tokens).toBeGreaterThanOrEqual(15);
    // The controller wrote one label and nothing else of the Agent (the rest is Pulumi's).
    const stored = kagent.agents.objects.get('acme/planner')!;
    const { [TOKEN_FINGERPRINT_LABEL]: fingerprint, ...labels } = stored.metadata.labels!;
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
    const original = synth.agents.find((a) => a.metadata.name === 'planner')!;
    expect(labels).toEqual(original.metadata.labels);
    expect(stored.spec).toEqual(original.spec);
    // The callee reads no token: not labelled.
    expect(kagent.agents.objects.get('acme/search')!.metadata.labels?.[TOKEN_FINGERPRINT_LABEL]).toBeUndefined();
  });

  test('without the label, kagent keeps the first token until it expires (what the label fixes)', async () => {
    const { firstVerdict, expiredAt, tokens } = await run({ kagentRefresh: false, minutes: 3 });
    expect(firstVerdict).toEqual({ status: true });
    expect(tokens).toBe(1);
    expect(expiredAt.length).toBeGreaterThan(0);
  });
});
