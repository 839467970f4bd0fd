/**
 * What `agent-runtime deploy` needs of Pulumi, as a small interface: the selection, parallelism and
 * prune logic (deploy-runner.ts) runs against it, the Automation API implements it
 * (automation-engine.ts), and tests can drive the logic without an engine.
 */

/** An inline Pulumi program: registers resources, returns the stack outputs. */
export type StackProgram = () => Promise<Record<string, unknown>> | Record<string, unknown>;

/** The stack output every deploy-made stack records its inputs' hash in (a Pulumi secret). */
export const INPUTS_HASH_OUTPUT = 'agentRuntimeInputsHash';

/** Resource changes of one operation, by kind (`create`, `update`, `delete`, `same`, ...). */
export type ResourceChanges = Record<string, number>;

/** What one update or preview did. */
export interface StackRun {
  readonly changes: ResourceChanges;
  /** The stack's outputs after an update (none for a preview). */
  readonly outputs?: Record<string, unknown>;
}

/** The Pulumi operations deploy uses, on the stacks of one project in one backend. */
export interface StackEngine {
  /** The project's stacks that exist in the backend, with their resource counts when the backend knows them. */
  listStacks(): Promise<{ name: string; resourceCount?: number }[]>;
  /** Outputs of an existing stack (secrets in plain text, in memory only). */
  outputs(stack: string): Promise<Record<string, unknown>>;
  /** `pulumi up` (or `preview`) of an inline program, creating the stack when it does not exist. */
  update(stack: string, program: StackProgram, opts: { preview: boolean; refresh: boolean }): Promise<StackRun>;
  /** `pulumi destroy` of a stack, then removes it (`preview`: only counts what it would delete). */
  destroy(stack: string, opts: { preview: boolean }): Promise<StackRun>;
}
