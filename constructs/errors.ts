/**
 * Construct errors as data. A construct that refuses its props says which construct, which prop
 * (as a path inside its props), the value and the fix; a layer that built the props from
 * something else (the Pulumi stack's config keys) maps the prop path to its own key without
 * reading the message. Library users get the same facts in the message of a {@link ConstructError}.
 */
import type { IConstruct } from 'constructs';

/** A path inside a construct's props: `['scaling', 'maxReplicas']`, `['calls', 0]`. */
export type PropPath = readonly (string | number)[];

/** One refused prop. */
export interface ConstructProblem {
  /** Path of the construct whose props are refused (`tenant-acme/acme/search`). */
  readonly construct: string;
  /** The prop, inside that construct's props; empty for the props as a whole. */
  readonly propPath: PropPath;
  /** The refused value; absent when the problem is a missing or contradictory prop. */
  readonly value?: unknown;
  /** What is wrong with it and what to write instead: `is not a DNS label; use lowercase letters, e.g. "search"`. */
  readonly fix: string;
}

/** Props refused by one or more constructs; `problems` carries them as data. */
export class ConstructError extends Error {
  /** Whether `e` is a ConstructError (also across copies of this module). */
  public static isConstructError(e: unknown): e is ConstructError {
    return e instanceof ConstructError || (typeof e === 'object' && e !== null && Array.isArray((e as ConstructError).problems) && (e as Error).name === 'ConstructError');
  }

  constructor(public readonly problems: readonly ConstructProblem[], subject?: (p: ConstructProblem) => string) {
    super(problems.map((p) => `${subject ? `${subject(p)}: ` : ''}${formatProblem(p)}`).join('\n'));
    this.name = 'ConstructError';
  }
}

/** `scaling.maxReplicas`, `calls[0]`, `egress[1].except[0]`. */
export function formatPropPath(path: PropPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A problem without its construct: `scaling.maxReplicas: 1 is below minReplicas 2; use at least 2`, `groups is empty; ...`. */
export function formatProblem(p: Omit<ConstructProblem, 'construct'>): string {
  return problemAt(formatPropPath(p.propPath), p);
}

/** A problem under the name of its prop or config key (`key`): `key: <value> <fix>`, or `key <fix>` without a value. */
export function problemAt(key: string, p: Pick<ConstructProblem, 'value' | 'fix'>): string {
  const value = p.value !== undefined ? showValue(p.value) : '';
  if (!key) return value ? `${value} ${p.fix}` : p.fix;
  return value ? `${key}: ${value} ${p.fix}` : `${key} ${p.fix}`;
}

/** A value as written in a message: JSON, shortened. */
export function showValue(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The problems of one construct's props, gathered while checking them: checks that do not depend
 * on each other all run, and {@link throwIfAny} reports them together.
 *
 * @example const p = new PropProblems(this, 'agent'); if (bad) p.add(['name'], props.name, 'is not a DNS label; ...'); p.throwIfAny();
 */
export class PropProblems {
  /**
   * `label` names the kind of construct in messages (`agent`, `tenant`); `prefix` is prepended to
   * every prop path (a check of `skills[2]` records `['id']` as `['skills', 2, 'id']`).
   */
  constructor(
    private readonly scope: IConstruct | string, private readonly label: string,
    private readonly prefix: PropPath = [], private readonly list: ConstructProblem[] = [],
  ) {}

  /** The same list, for a check of the props under `path`. */
  public at(...path: PropPath): PropProblems {
    return new PropProblems(this.scope, this.label, [...this.prefix, ...path], this.list);
  }

  /** Records one refused prop. Omit `value` (pass `undefined`) for a missing prop. */
  public add(propPath: PropPath, value: unknown, fix: string): void {
    this.list.push(this.problem(propPath, value, fix));
  }

  /** One refused prop as an error, not recorded (`throw p.fail(...)` where later checks depend on it). */
  public fail(propPath: PropPath, value: unknown, fix: string): ConstructError {
    return new ConstructError([this.problem(propPath, value, fix)], (q) => `${this.label} ${q.construct}`);
  }

  private problem(propPath: PropPath, value: unknown, fix: string): ConstructProblem {
    const construct = typeof this.scope === 'string' ? this.scope : this.scope.node.path;
    return { construct, propPath: [...this.prefix, ...propPath], ...(value !== undefined ? { value } : {}), fix };
  }

  /** Records the problems of a nested check (`catch (e) { p.absorb(e) }`); rethrows anything that is not a ConstructError. */
  public absorb(e: unknown): void {
    if (!ConstructError.isConstructError(e)) throw e;
    // A nested check that threw this list's own problems (throwIfAny) adds only what is new.
    this.list.push(...e.problems.filter((p) => !this.list.includes(p)));
  }

  /** Runs `check`, recording its ConstructError instead of stopping; returns its result or undefined. */
  public collect<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (e) {
      this.absorb(e);
      return undefined;
    }
  }

  public get length(): number {
    return this.list.length;
  }

  /** Throws every problem recorded so far, as one ConstructError. */
  public throwIfAny(): void {
    if (this.list.length) throw this.error();
  }

  /** The problems recorded so far, as one error. */
  public error(): ConstructError {
    return new ConstructError([...this.list], (p) => `${this.label} ${p.construct}`);
  }

  /** The problems recorded so far. */
  public get problems(): readonly ConstructProblem[] {
    return this.list;
  }
}

/** One refused prop as an error to throw: `throw propError(this, 'agent', ['name'], props.name, 'is not a DNS label; ...')`. */
export function propError(scope: IConstruct | string, label: string, propPath: PropPath, value: unknown, fix: string): ConstructError {
  return new PropProblems(scope, label).fail(propPath, value, fix);
}

const validators = new WeakMap<IConstruct, () => readonly ConstructProblem[]>();

/**
 * Registers the checks a construct can only make once every construct exists (synth time) as data,
 * and as cdk8s validations (`node.validate()`, rendered like eager errors) for library users.
 */
export function addProblemValidation(scope: IConstruct, problems: () => readonly ConstructProblem[]): void {
  validators.set(scope, problems);
  // cdk8s names the construct (`[path] message`): the message is the problem alone.
  scope.node.addValidation({ validate: () => problems().map((p) => formatProblem(p)) });
}

/**
 * The synth-time problems of `scope` as data, when it registered them with
 * {@link addProblemValidation}; else undefined (its `node.validate()` strings are all there is).
 */
export function validationProblems(scope: IConstruct): readonly ConstructProblem[] | undefined {
  return validators.get(scope)?.();
}

/** Replaces how `scope`'s synth-time problems are reported (a parent that built its props re-attributes them). */
export function mapValidationProblems(scope: IConstruct, map: (p: ConstructProblem) => ConstructProblem): void {
  const own = validators.get(scope);
  if (own) validators.set(scope, () => own().map(map));
}

/**
 * Where a shared check reports: a prop of a construct (`problems.at('resources')` plus the prop
 * inside it), or a plain name for callers outside a construct (`quota.requestsCpu`).
 */
export type Field = string | { readonly problems: PropProblems; readonly path: PropPath };

/** The error a shared check throws for `field`: a ConstructError for a construct's prop, else `field: value fix`. */
export function refuse(field: Field, value: unknown, fix: string): Error {
  if (typeof field !== 'string') return field.problems.fail(field.path, value, fix);
  return new Error(`${field}: ${value !== undefined ? `${showValue(value)} ` : ''}${fix}`);
}

/** `field` one level down: `sub(field, 'cpu')`, `sub(field, 0)`. */
export function sub(field: Field, ...path: PropPath): Field {
  if (typeof field !== 'string') return { problems: field.problems, path: [...field.path, ...path] };
  return `${field}${formatPropPath(path).replace(/^(?=[^[])/, '.')}`;
}
