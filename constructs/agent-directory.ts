/**
 * Plain-data directory of every agent of the platform and of the A2A calls between them.
 *
 * Tenant charts are built in Apps of their own (see PERFORMANCE.md), so a reference to another
 * tenant's skill cannot walk the construct tree: it resolves against this directory instead.
 * The directory also carries the reverse edges (who calls whom), which is how a callee's chart
 * learns its callers: the callee emits the ingress NetworkPolicy and the JWT allow rule itself,
 * so no tenant chart ever writes into another tenant's namespace.
 *
 * Two ways to fill it, freely mixed:
 * - data first (`AgentDirectory.fromData`): the stack computes every agent and call from config
 *   before building any chart; charts can then be synthesized one at a time;
 * - construct first: each `Agent` registers itself and its calls when constructed; every rule
 *   that depends on the directory is resolved lazily at synth time, so construction order does
 *   not matter as long as all charts are constructed before the first synth.
 */
import { Field, refuse } from './errors';

/** One skill as other agents see it. */
export interface SkillInfo {
  /** Skill id, a DNS label, unique within its agent. */
  readonly id: string;
  /** Human-readable name. */
  readonly name: string;
  /** What the skill does. */
  readonly description: string;
  /** A2A tags. */
  readonly tags: readonly string[];
}

/** What the platform knows about one agent, as plain data. */
export interface AgentDirectoryEntry {
  /** Owning tenant. */
  readonly tenant: string;
  /** Agent name, unique within its tenant. */
  readonly agent: string;
  /** Kubernetes namespace of the agent's pods. */
  readonly namespace: string;
  /** In-cluster host of the agent's Service. */
  readonly serviceHost: string;
  /** Port the agent serves A2A on. */
  readonly servicePort: number;
  /** Labels selecting every pod of the agent (all canary tracks). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Skills the agent exposes. */
  readonly skills: readonly SkillInfo[];
  /** Version of the stable AgentCard. */
  readonly version: string;
  /** `declarative` (kagent) or `byo`: kagent agent tools can only name declarative agents. @default - unknown */
  readonly kind?: 'declarative' | 'byo';
}

/** One declared A2A call: `caller` (`tenant/agent`) uses `callee` (`tenant/agent`) skill `skill`. */
export interface SkillCall {
  readonly caller: string;
  readonly callee: string;
  readonly skill: string;
}

/** Serializable content of a directory. */
export interface AgentDirectoryData {
  readonly agents: readonly AgentDirectoryEntry[];
  /** @default - no calls */
  readonly calls?: readonly SkillCall[];
  /** Version of the canary track, by `tenant/agent`. @default - no canaries */
  readonly canaryVersions?: Readonly<Record<string, string>>;
}

/** A typed reference to a skill of an agent, written `tenant/agent#skill` as a string. */
export interface SkillRef {
  readonly tenant: string;
  readonly agent: string;
  readonly skill: string;
}

/** Called when a new caller of one of an agent's skills is declared. */
export type CallListener = (call: SkillCall) => void;

/** Formats a skill reference as `tenant/agent#skill`. */
export function formatSkillRef(ref: SkillRef): string {
  return `${ref.tenant}/${ref.agent}#${ref.skill}`;
}

/** The `tenant/agent` key of an agent. */
export function agentKey(tenant: string, agent: string): string {
  return `${tenant}/${agent}`;
}

/**
 * A small object standing for a construct, the same one each time, kept on the construct under a
 * symbol. A directory keeps owners by it: holding the construct itself kept its whole tree alive,
 * and synth's threads build tenant after tenant on one directory. (A WeakRef is kept until the
 * synchronous build ends; a module-level WeakMap is kept alive by V8's young-generation GC.)
 */
const OWNER_TOKEN = Symbol('agentruntime.directoryOwner');

function _ownerToken(owner: object): object {
  const o = owner as { [OWNER_TOKEN]?: object };
  if (!o[OWNER_TOKEN]) Object.defineProperty(o, OWNER_TOKEN, { value: {} });
  return o[OWNER_TOKEN]!;
}

/**
 * Registry of agents and calls shared by all tenant charts of a platform.
 *
 * @example
 * const directory = new AgentDirectory();
 * const acme = new TenantNamespace(chart, 'acme', { name: 'acme', platform, directory });
 */
export class AgentDirectory {
  /**
   * A directory pre-filled from plain data, e.g. computed from the stack config.
   *
   * @example AgentDirectory.fromData({ agents: [entry], calls: [{ caller: 'beta/orchestrator', callee: 'acme/search', skill: 'web' }] })
   */
  public static fromData(data: AgentDirectoryData): AgentDirectory {
    const directory = new AgentDirectory();
    for (const entry of data.agents) directory.register(entry);
    for (const call of data.calls ?? []) directory._addCall(call);
    for (const [key, version] of Object.entries(data.canaryVersions ?? {})) directory.setCanaryVersion(key, version);
    return directory;
  }

  /**
   * Parses `tenant/agent#skill`; throws naming `field` when the string has another shape.
   *
   * @example AgentDirectory.parseRef('acme/search#web') // { tenant: 'acme', agent: 'search', skill: 'web' }
   */
  public static parseRef(ref: string, field: Field = 'reference'): SkillRef {
    const m = /^([a-z0-9-]+)\/([a-z0-9-]+)#([a-z0-9-]+)$/.exec(ref);
    if (!m) {
      // Names are DNS labels: a reference of the right shape in other letters is told so ("Payments/Agent#skill").
      const lower = typeof ref === 'string' ? ref.toLowerCase() : '';
      if (lower !== ref && /^([a-z0-9-]+)\/([a-z0-9-]+)#([a-z0-9-]+)$/.test(lower)) {
        throw refuse(field, ref, `has capitals; tenant, agent and skill names are lowercase DNS labels (a tenant named "Payments" is refused too); write "${lower}"`);
      }
      throw refuse(field, ref, 'is not a skill reference; write "tenant/agent#skill", e.g. "acme/search#web"');
    }
    return { tenant: m[1], agent: m[2], skill: m[3] };
  }

  private readonly entries = new Map<string, AgentDirectoryEntry>();
  // Which construct registered each agent (its token, see `_ownerToken`), to report a second one.
  private readonly owners = new Map<string, object>();
  // callee key -> skill -> caller keys
  private readonly callers = new Map<string, Map<string, Set<string>>>();
  // caller key -> callee keys (for cycle detection)
  private readonly callees = new Map<string, Set<string>>();
  private readonly listeners = new Map<string, CallListener[]>();
  private readonly canaries = new Map<string, string>();
  private sealedBy?: string;

  /**
   * Seals the directory: called when the first chart that reads it synthesizes (`by`: what made its
   * content final, e.g. `tenant "acme" was synthesized`). After that a new agent, call or version would
   * silently change output already written, so it is an error instead.
   */
  public _seal(by: string): void {
    this.sealedBy ??= by;
  }

  private _assertOpen(change: string): void {
    if (this.sealedBy) {
      throw new Error(`agent directory: ${change} after ${this.sealedBy}; its output already depends on the directory. Construct every tenant and agent before synthesizing any chart`);
    }
  }

  /**
   * Adds (or, for its owner, replaces) an agent. A construct passes itself as `owner`; a second
   * owner of the same `tenant/agent` is an error, while data-only entries may be taken over.
   *
   * @example directory.register({ tenant: 'acme', agent: 'search', namespace: 'acme', ... })
   */
  public register(entry: AgentDirectoryEntry, owner?: object): void {
    const key = agentKey(entry.tenant, entry.agent);
    const current = this.owners.get(key);
    const token = owner && _ownerToken(owner);
    if (token && current && current !== token) {
      throw new Error(`agent "${key}" is defined twice; agent names must be unique within a tenant, rename one of them`);
    }
    // Re-registering the same data (a chart built on a directory from `fromData`) changes nothing.
    if (this.sealedBy && !_sameJson(this.entries.get(key), entry)) this._assertOpen(`agent "${key}" was registered or changed`);
    this.entries.set(key, entry);
    if (token) this.owners.set(key, token);
  }

  /** Records the version of the canary track of `tenant/agent` (its stable track owns the entry). */
  public setCanaryVersion(key: string, version: string): void {
    if (this.canaries.get(key) !== version) this._assertOpen(`the canary version of "${key}" was set`);
    this.canaries.set(key, version);
  }

  /** Version of the canary track of `tenant/agent`, if it has one. */
  public canaryVersion(key: string): string | undefined {
    return this.canaries.get(key);
  }

  /** The entry of `tenant/agent`, if known. */
  public get(key: string): AgentDirectoryEntry | undefined {
    return this.entries.get(key);
  }

  /** All entries, sorted by key. */
  public list(): AgentDirectoryEntry[] {
    return [...this.entries.keys()].sort().map((k) => this.entries.get(k)!);
  }

  /**
   * Resolves a reference; returns the entry and skill, or a message saying what exists.
   *
   * @example directory.resolve({ tenant: 'acme', agent: 'search', skill: 'web' })
   */
  public resolve(ref: SkillRef): { entry: AgentDirectoryEntry; skill: SkillInfo } | { error: string } {
    const key = agentKey(ref.tenant, ref.agent);
    const entry = this.entries.get(key);
    if (!entry) {
      const same = this.list().filter((e) => e.tenant === ref.tenant).map((e) => `"${e.agent}"`);
      const known = same.length > 0 ? `agents of tenant "${ref.tenant}": ${same.join(', ')}` : `tenant "${ref.tenant}" has no agents`;
      return { error: `no agent "${key}" is known (${known}); fix the reference or define the agent` };
    }
    const skill = entry.skills.find((s) => s.id === ref.skill);
    if (!skill) {
      return { error: `agent "${key}" has no skill "${ref.skill}"; its skills are ${entry.skills.map((s) => `"${s.id}"`).join(', ')}` };
    }
    return { entry, skill };
  }

  /**
   * Declares that `caller` (`tenant/agent`) calls a skill; notifies the callee's listeners.
   *
   * @example directory.addCall('beta/orchestrator', { tenant: 'acme', agent: 'search', skill: 'web' })
   */
  public addCall(caller: string, ref: SkillRef): void {
    this._addCall({ caller, callee: agentKey(ref.tenant, ref.agent), skill: ref.skill });
  }

  /** Callers (`tenant/agent`, sorted) of one skill, or of any skill when `skill` is omitted. */
  public callersOf(callee: string, skill?: string): string[] {
    const bySkill = this.callers.get(callee);
    if (!bySkill) return [];
    const found = new Set<string>();
    for (const [id, set] of bySkill) {
      if (skill === undefined || id === skill) set.forEach((c) => found.add(c));
    }
    return [...found].sort();
  }

  /** Every declared call, sorted. */
  public calls(): SkillCall[] {
    const out: SkillCall[] = [];
    for (const [callee, bySkill] of this.callers) {
      for (const [skill, set] of bySkill) for (const caller of set) out.push({ caller, callee, skill });
    }
    return out.sort((a, b) => `${a.callee}#${a.skill}<${a.caller}`.localeCompare(`${b.callee}#${b.skill}<${b.caller}`));
  }

  /**
   * Runs `listener` for every call of `callee`'s skills, past and future.
   *
   * @example directory.onCall('acme/search', (call) => allow(call.caller))
   */
  public onCall(callee: string, listener: CallListener): void {
    const list = this.listeners.get(callee) ?? [];
    list.push(listener);
    this.listeners.set(callee, list);
    for (const skill of this.callers.get(callee)?.keys() ?? []) {
      for (const caller of this.callers.get(callee)!.get(skill)!) listener({ caller, callee, skill });
    }
  }

  /** The directory as plain data (e.g. to hand to charts built in other processes). */
  public toData(): AgentDirectoryData {
    const canaryVersions = Object.fromEntries([...this.canaries].sort(([a], [b]) => a.localeCompare(b)));
    return { agents: this.list(), calls: this.calls(), ...(this.canaries.size ? { canaryVersions } : {}) };
  }

  /**
   * Why `caller` may not call `ref` (it is the caller itself, or the call closes a cycle), or undefined when it may.
   *
   * @example directory.callRefusal('acme/a', { tenant: 'acme', agent: 'b', skill: 'x' })
   */
  public callRefusal(caller: string, ref: SkillRef): string | undefined {
    const callee = agentKey(ref.tenant, ref.agent);
    if (caller === callee) return `is a skill of "${caller}" itself; an agent handles its skills itself, remove the call`;
    const loop = this._path(callee, caller);
    // A cycle of A2A calls can recurse without end (each hop retries and holds a slot): refuse it.
    if (loop) return `closes a cycle of calls: ${[caller, ...loop].join(' -> ')}; remove one of these calls`;
    return undefined;
  }

  private _addCall(call: SkillCall): void {
    if (call.caller === call.callee) {
      throw new Error(`agent "${call.caller}" calls its own skill "${call.skill}"; an agent handles its skills itself, remove the call`);
    }
    const loop = this._path(call.callee, call.caller);
    if (loop) {
      throw new Error(`calls form a cycle: ${[call.caller, ...loop].join(' -> ')}; remove one of these calls`);
    }
    const bySkill = this.callers.get(call.callee) ?? new Map<string, Set<string>>();
    this.callers.set(call.callee, bySkill);
    const set = bySkill.get(call.skill) ?? new Set<string>();
    bySkill.set(call.skill, set);
    if (set.has(call.caller)) return;
    this._assertOpen(`a call from "${call.caller}" to "${call.callee}#${call.skill}" was declared`);
    set.add(call.caller);
    this.callees.set(call.caller, (this.callees.get(call.caller) ?? new Set()).add(call.callee));
    for (const listener of this.listeners.get(call.callee) ?? []) listener(call);
  }

  /** Agents on a call path from `from` to `to` (both included), or undefined when none. */
  private _path(from: string, to: string): string[] | undefined {
    const callees = this.callees;
    const seen = new Set<string>();
    const walk = (at: string): string[] | undefined => {
      if (at === to) return [at];
      if (seen.has(at)) return undefined;
      seen.add(at);
      for (const next of callees.get(at) ?? []) {
        const rest = walk(next);
        if (rest) return [at, ...rest];
      }
      return undefined;
    };
    return walk(from);
  }
}

/** Whether two JSON-like values are equal as JSON (undefined members count as absent); no serialization per call. */
function _sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => _sameJson(v, (b as unknown[])[i]));
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (x[k] !== undefined && !_sameJson(x[k], y[k])) return false;
  for (const k in y) if (y[k] !== undefined && x[k] === undefined) return false;
  return true;
}
