/**
 * The registration engine behind `agent-runtime register`: creates the Nacos namespaces the cards
 * need, applies many cards with bounded concurrency (idempotently), and optionally prunes the
 * cards this tool registered for agents that are gone. A dry run reads the same way and writes nothing.
 */
import { AgentCard, assertValidAgentCard, managedBy, sameAgentCard, withManagedMarker } from './agent-card';
import { ApplyOutcome, applyAgentCard } from './apply-agent-card';
import type { NacosClient } from './nacos-client';
import { NacosApiError, NacosAuthError } from './nacos-errors';

/** One card to register. */
export interface CardToRegister {
  readonly card: AgentCard;
  readonly namespace: string;
  readonly setAsLatest: boolean;
  /** Where it came from, for messages. */
  readonly source?: string;
}

/** Options of {@link registerCards}. */
export interface RegisterOptions {
  /** Agents registered in parallel (versions of one agent always go one after another). @default 16 */
  readonly concurrency?: number;
  /** Delete the versions this tool registered for agents no longer in `cards`. @default false */
  readonly prune?: boolean;
  /** Use this Nacos namespace for every card (and as the only namespace pruned). @default - each card's own */
  readonly namespace?: string;
  /** Create the Nacos namespaces the cards go to when missing; `false` refuses to start instead. @default true */
  readonly createNamespaces?: boolean;
  /** Read Nacos and report what would be done (the report is the plan); write nothing. @default false */
  readonly dryRun?: boolean;
  /** Receives one line per change (per card in a dry run, unchanged ones included). @default - silent */
  readonly log?: (line: string) => void;
  /** Called after each card, applied or failed, with the cards done so far and the total. */
  readonly progress?: (done: number, total: number) => void;
}

/** What a run did (or, in a dry run, would do); keys are `namespace/agent@version`. */
export interface RegisterReport {
  readonly dryRun: boolean;
  /** Nacos namespaces created. */
  readonly namespacesCreated: string[];
  readonly created: string[];
  readonly addedVersions: string[];
  readonly promoted: string[];
  readonly unchanged: string[];
  readonly pruned: string[];
  readonly failed: { readonly key: string; readonly error: string }[];
}

/** Value of the ownership marker's `registeredBy` for cards this engine registers. */
export const REGISTERED_BY_CLI = 'agent-runtime register';

/** `register --no-create-namespaces` and a card's Nacos namespace does not exist. */
export class MissingNamespaceError extends Error {
  constructor(readonly namespaces: readonly string[]) {
    super(
      `Nacos namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.map((n) => JSON.stringify(n)).join(', ')} ` +
        `do${namespaces.length > 1 ? '' : 'es'} not exist and creating namespaces is turned off; nothing registered. ` +
        'Create them (drop --no-create-namespaces, or `pulumi up` the tenants, whose NacosNamespace resources create them) and run again',
    );
    this.name = 'MissingNamespaceError';
  }
}

/**
 * Registers every card; a second run with the same cards changes nothing. Missing namespaces
 * are created first. Pruning runs only when every card applied, so a failed run never deletes
 * anything. Wrong credentials stop the run at once ({@link NacosAuthError}), not card by card.
 * @example const report = await registerCards(client, readManifestCards('dist/dev'), { prune: true });
 */
export async function registerCards(client: NacosClient, cards: readonly CardToRegister[], opts: RegisterOptions = {}): Promise<RegisterReport> {
  const dryRun = opts.dryRun === true;
  const report: RegisterReport = { dryRun, namespacesCreated: [], created: [], addedVersions: [], promoted: [], unchanged: [], pruned: [], failed: [] };
  const groups = _groups(cards, opts.namespace);
  const bucket: Record<ApplyOutcome, string[]> = { created: report.created, 'added-version': report.addedVersions, promoted: report.promoted, unchanged: report.unchanged };
  await _ensureNamespaces(client, new Set([...groups.values()].map((g) => g[0].namespace)), opts, report);

  const total = [...groups.values()].reduce((n, g) => n + g.length, 0);
  let done = 0;
  let authFailure: NacosAuthError | undefined;
  await mapLimit([...groups.values()], opts.concurrency ?? 16, async (group) => {
    let plannedCreate = false;
    for (const entry of group) {
      if (authFailure) return;
      const key = `${entry.namespace}/${entry.card.name}@${entry.card.version}`;
      try {
        const card = withManagedMarker(entry.card, REGISTERED_BY_CLI);
        let outcome = await applyAgentCard(client, card, { namespaceId: entry.namespace, setAsLatest: entry.setAsLatest, dryRun });
        // A dry run did not create the agent, so its next version reads as "create" too.
        if (dryRun && outcome === 'created' && plannedCreate) outcome = 'added-version';
        plannedCreate ||= outcome === 'created';
        bucket[outcome].push(key);
        if (outcome !== 'unchanged' || dryRun) opts.log?.(`${dryRun ? PLAN_WORDS[outcome] : outcome} ${key}`);
      } catch (err) {
        if (err instanceof NacosAuthError) {
          authFailure ??= err;
          return;
        }
        report.failed.push({ key, error: (err as Error).message });
        opts.log?.(`failed ${key}: ${(err as Error).message}`);
        return; // later versions of this agent depend on the earlier ones
      } finally {
        opts.progress?.(++done, total);
      }
    }
  });
  if (authFailure) throw authFailure;

  if (opts.prune && report.failed.length === 0) await _prune(client, groups, opts, report);
  else if (opts.prune) opts.log?.(`prune skipped: ${report.failed.length} card(s) failed, and a failed run deletes nothing`);
  for (const list of [report.created, report.addedVersions, report.promoted, report.unchanged, report.pruned]) list.sort();
  return report;
}

/** How a dry run names each outcome in its plan. */
const PLAN_WORDS: Record<ApplyOutcome, string> = {
  created: 'create',
  'added-version': 'update (new version)',
  promoted: 'update (set as latest)',
  unchanged: 'unchanged',
};

/** Creates the namespaces the cards go to that Nacos does not have (Nacos would store the cards anyway, unlisted). */
async function _ensureNamespaces(client: NacosClient, wanted: Set<string>, opts: RegisterOptions, report: RegisterReport): Promise<void> {
  const existing = new Set((await client.listNamespaces()).map((n) => n.namespace));
  const missing = [...wanted].filter((n) => n !== 'public' && !existing.has(n)).sort();
  if (!missing.length) return;
  if (opts.createNamespaces === false) throw new MissingNamespaceError(missing);
  for (const namespaceId of missing) {
    if (!opts.dryRun) {
      try {
        await client.createNamespace({ namespaceId, namespaceName: namespaceId, namespaceDesc: `Created by ${REGISTERED_BY_CLI}` });
      } catch (err) {
        // Created meanwhile by someone else: fine.
        if (!(err instanceof NacosApiError && err.code === 22002)) throw err;
      }
    }
    report.namespacesCreated.push(namespaceId);
    opts.log?.(`${opts.dryRun ? 'create' : 'created'} namespace ${namespaceId}`);
  }
}

/** True when the run changed (in a dry run: would change) something in Nacos. */
export function reportChanged(report: RegisterReport): boolean {
  return report.namespacesCreated.length + report.created.length + report.addedVersions.length + report.promoted.length + report.pruned.length > 0;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight.
 * @example await mapLimit(urls, 8, fetchOne)
 */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a whole number >= 1, got ${limit}`);
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Groups cards per (namespace, agent), latest version first; validates everything up front. */
function _groups(cards: readonly CardToRegister[], override?: string): Map<string, CardToRegister[]> {
  const problems: string[] = [];
  const groups = new Map<string, CardToRegister[]>();
  for (const raw of cards) {
    const entry = override ? { ...raw, namespace: override } : raw;
    try {
      assertValidAgentCard(entry.card, entry.source ?? `AgentCard ${JSON.stringify((entry.card as { name?: unknown })?.name)}`);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    const id = `${entry.namespace}/${entry.card.name}`;
    const group = groups.get(id) ?? [];
    const twin = group.find((g) => g.card.version === entry.card.version);
    if (twin && !sameAgentCard(twin.card, entry.card)) {
      problems.push(`${id} version ${entry.card.version} appears twice with different content (${twin.source ?? '?'} and ${entry.source ?? '?'}); give one of them a new version`);
    } else if (!twin) {
      group.push(entry);
    }
    groups.set(id, group);
  }
  for (const [id, group] of groups) {
    const latest = group.filter((g) => g.setAsLatest);
    if (latest.length > 1) {
      problems.push(`${id}: versions ${latest.map((g) => g.card.version).join(', ')} are all marked set-as-latest; mark only one (the stable one)`);
    }
    // POST makes the first version latest whatever is asked, so the latest one goes first.
    group.sort((a, b) => Number(b.setAsLatest) - Number(a.setAsLatest));
  }
  if (problems.length) throw new Error(`nothing registered; fix these first:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return groups;
}

/** Deletes, version by version, what this tool registered for agents that are no longer wanted. */
async function _prune(client: NacosClient, groups: Map<string, CardToRegister[]>, opts: RegisterOptions, report: RegisterReport): Promise<void> {
  const wanted = new Set(groups.keys());
  const namespaces = new Set<string>([...groups.values()].map((g) => g[0].namespace));
  if (opts.namespace) {
    namespaces.clear();
    namespaces.add(opts.namespace);
  } else {
    for (const ns of await client.listNamespaces()) namespaces.add(ns.namespace);
  }
  const candidates: { namespace: string; name: string }[] = [];
  for (const namespace of [...namespaces].sort()) {
    for (const item of await client.listAllAgents(namespace)) {
      // Not filtered on the list item's marker: its basic fields mirror the last PUT, whoever made it.
      if (!wanted.has(`${namespace}/${item.name}`)) candidates.push({ namespace, name: item.name });
    }
  }
  await mapLimit(candidates, opts.concurrency ?? 16, async ({ namespace, name }) => {
    for (const { version } of await client.listVersions(name, { namespaceId: namespace })) {
      // Only versions carrying our marker: anything someone else registered stays.
      const stored = await client.getAgent(name, { namespaceId: namespace, version });
      if (managedBy(stored) !== REGISTERED_BY_CLI) continue;
      if (!opts.dryRun) await client.deleteAgent(name, { namespaceId: namespace, version });
      report.pruned.push(`${namespace}/${name}@${version}`);
      opts.log?.(`${opts.dryRun ? 'prune' : 'pruned'} ${namespace}/${name}@${version}`);
    }
  });
}
