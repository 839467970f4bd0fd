/**
 * Answers of deterministic skills kept for their `cacheTtlSeconds` (the platform passes them in
 * `A2A_SKILL_CACHE`). Only the skill's result parts are kept: the SDK builds each answer anew, so
 * a cached answer carries the caller's JSON-RPC id and speaks the caller's A2A version (the
 * gateway's ai-cache cannot: it replays one fixed response, see docs/a2a.md).
 *
 * Bounded: at most `maxEntries` answers (the least recently used goes first), each for its
 * skill's TTL, each at most `maxEntryBytes` (bigger answers are not kept).
 */
import { createHash } from 'node:crypto';
import type { Part } from '@a2a-js/sdk';
import { canonicalJson } from '../runtime/agent-card';

/** Bounds of a {@link ResultCache}. */
export interface ResultCacheLimits {
  /** Answers kept across all skills. @default 1000 */
  readonly maxEntries?: number;
  /** Largest answer kept (JSON of its parts), bytes; with maxEntries this bounds the memory (about 17 MB by default). @default 16384 */
  readonly maxEntryBytes?: number;
  /** Clock, ms. @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  readonly parts: readonly Part[];
  readonly expires: number;
}

/** An in-memory, bounded cache of skill answers keyed on skill, caller and normalized message parts. */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxEntryBytes: number;
  private readonly now: () => number;

  /** `ttlSeconds`: skill id -> seconds; skills not named are never cached. */
  constructor(private readonly ttlSeconds: Readonly<Record<string, number>>, limits: ResultCacheLimits = {}) {
    this.maxEntries = limits.maxEntries ?? 1000;
    this.maxEntryBytes = limits.maxEntryBytes ?? 16 * 1024;
    this.now = limits.now ?? Date.now;
  }

  /** Whether answers of `skill` are cached. */
  caches(skill: string): boolean {
    return this.ttlSeconds[skill] !== undefined;
  }

  /** The cached answer of `skill` to `parts`, if fresh. */
  get(skill: string, caller: string | undefined, parts: readonly Part[]): readonly Part[] | undefined {
    if (!this.caches(skill)) return undefined;
    const key = cacheKey(skill, caller, parts);
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expires <= this.now()) return undefined;
    this.entries.set(key, e); // most recently used last
    return e.parts;
  }

  /** Keeps the answer of `skill` to `parts` for the skill's TTL. */
  set(skill: string, caller: string | undefined, parts: readonly Part[], answer: readonly Part[]): void {
    const ttl = this.ttlSeconds[skill];
    if (ttl === undefined || Buffer.byteLength(JSON.stringify(answer)) > this.maxEntryBytes) return;
    const key = cacheKey(skill, caller, parts);
    this.entries.delete(key);
    this.entries.set(key, { parts: answer, expires: this.now() + ttl * 1000 });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Answers kept now (expired ones included until looked up or pushed out). */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * The key of a request: the skill, the calling agent (a skill may answer callers differently, so
 * one caller never gets an answer computed for another) and what the parts say (text, data, file reference or bytes,
 * with the file's media type), in order; data objects with their keys sorted. Message ids,
 * context, metadata and the A2A version the parts arrived in do not change the answer of a
 * deterministic skill, so they are left out. Hashed, so a key is 64 bytes whatever the message.
 */
export function cacheKey(skill: string, caller: string | undefined, parts: readonly Part[]): string {
  const normalized = canonicalJson([skill, caller ?? null, parts.map((p) => {
    const c = p.content;
    if (!c) return null;
    const value = c.$case === 'raw' ? Buffer.from(c.value).toString('base64') : c.value;
    return [c.$case, value ?? null, p.mediaType ?? '', p.filename ?? ''];
  })]);
  return createHash('sha256').update(normalized).digest('hex');
}

/** Parses `A2A_SKILL_CACHE` (`{ "<skill>": <ttl seconds> }`); throws naming the variable. */
export function parseSkillCache(text: string | undefined, source = 'A2A_SKILL_CACHE'): Record<string, number> {
  if (text === undefined || text === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not JSON (${(e as Error).message}); write an object like {"lookup":300}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source} must be an object of skill id -> seconds, like {"lookup":300}`);
  for (const [skill, ttl] of Object.entries(raw)) {
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1) throw new Error(`${source}.${skill} ${JSON.stringify(ttl)} is not a whole number of seconds >= 1`);
  }
  return raw as Record<string, number>;
}
