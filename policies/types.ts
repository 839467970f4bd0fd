/** Shared types of the policy rules: plain Kubernetes objects in, violations out. */
import type { ObjectIndex } from './object-index';
import type { PolicyConfig } from './config';

/** A Kubernetes object as found in YAML or in Pulumi inputs (`apiVersion`, `kind`, `metadata`, ...). */
export interface K8sObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string>; readonly [k: string]: any };
  readonly [key: string]: any;
}

/** How a violation is treated: `mandatory` fails the review (exit 1, Pulumi stops), `advisory` only warns. */
export type EnforcementLevel = 'advisory' | 'mandatory' | 'disabled';

/** Environment names with default enforcement levels. */
export type Env = 'dev' | 'staging' | 'prod';

/** Every environment that has default levels, in promotion order. */
export const ENVS: readonly Env[] = ['dev', 'staging', 'prod'];

/** Same scale as Pulumi's policy severity. */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** One finding of a rule on one object. */
export interface Violation {
  readonly ruleId: string;
  /** `kind/namespace/name`, or `kind/name` for cluster-scoped objects. */
  readonly object: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /** The finding stays advisory whatever the rule's level (e.g. agents under a sandbox-only mandate). */
  readonly advisory?: boolean;
}

/** What a rule sees besides the object: the whole indexed set and the resolved configuration. */
export interface RuleContext {
  readonly index: ObjectIndex;
  readonly config: PolicyConfig;
}

/** A policy rule: pure functions over plain objects, shared by the review CLI and the CrossGuard pack. */
export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  readonly remediation: string;
  /** Default level per environment; configuration can override it. */
  readonly enforcement: Readonly<Record<Env, EnforcementLevel>>;
  /** Kinds the rule looks at; omitted = every object. */
  readonly kinds?: readonly string[];
  /** Configuration keys the rule reads (they become its Pulumi `configSchema`). */
  readonly configKeys?: readonly (keyof PolicyConfig)[];
  /** Checks one object on its own (a Pulumi resource policy). */
  readonly check?: (obj: K8sObject, ctx: RuleContext) => Violation[];
  /** Checks what needs the other objects of the set (a Pulumi stack policy). */
  readonly checkSet?: (obj: K8sObject, ctx: RuleContext) => Violation[];
}

/** Levels of a rule that is mandatory in staging and prod and advisory in dev ("M" in the spec). */
export const MANDATORY: Readonly<Record<Env, EnforcementLevel>> = { dev: 'advisory', staging: 'mandatory', prod: 'mandatory' };

/** Levels of a rule that is advisory everywhere ("A" in the spec). */
export const ADVISORY: Readonly<Record<Env, EnforcementLevel>> = { dev: 'advisory', staging: 'advisory', prod: 'advisory' };
