/**
 * {@link StackEngine} on Pulumi's Automation API: inline programs in this process, run by the
 * Pulumi CLI against the backend of `pulumi login` (or `PULUMI_BACKEND_URL`). Every stack gets a
 * throwaway work folder holding the project and the environment stack's encryption settings, so
 * nothing is written into the repository and every stack's secrets use the environment's provider.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalWorkspace, PulumiCommand, Stack, type OpMap, type StackSettings } from '@pulumi/pulumi/automation';
import { PROJECT } from '../config';
import type { ResourceChanges, StackEngine, StackProgram, StackRun } from './stack-engine';

export interface AutomationEngineOptions {
  /** The folder with `Pulumi.yaml` and `Pulumi.<env>.yaml`. */
  readonly root: string;
  /** The environment stack, whose config file gives the other stacks their encryption settings. */
  readonly env: string;
  /** Environment of the CLI (e.g. `PULUMI_CONFIG_PASSPHRASE`); the process' own by default. */
  readonly envVars?: Record<string, string>;
  /** A Pulumi installation whose `bin/pulumi` to use; the `pulumi` on PATH by default. */
  readonly pulumiRoot?: string;
  /** Lines the engine prints (off by default: the runner prints a line per stack). */
  readonly onOutput?: (stack: string, line: string) => void;
}

export class AutomationEngine implements StackEngine {
  private command?: Promise<PulumiCommand>;

  public constructor(private readonly opts: AutomationEngineOptions) {}

  /** The environment stack's config, secrets decrypted (`pulumi config --show-secrets`). */
  public async envConfig(): Promise<Record<string, { value: string; secret?: boolean }>> {
    const ws = await LocalWorkspace.create({ workDir: this.opts.root, pulumiCommand: await this.cli(), envVars: this.opts.envVars });
    return ws.getAllConfig(this.opts.env);
  }

  public async listStacks(): Promise<{ name: string; resourceCount?: number }[]> {
    return this.withWorkspace(undefined, async (ws) => (await ws.listStacks()).map((s) => ({ name: s.name, resourceCount: s.resourceCount })));
  }

  public async outputs(stack: string): Promise<Record<string, unknown>> {
    return this.withWorkspace(undefined, async (ws) => {
      const outputs = await ws.stackOutputs(stack);
      return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    });
  }

  public async update(stack: string, program: StackProgram, opts: { preview: boolean; refresh: boolean }): Promise<StackRun> {
    return this.withWorkspace(stack, async (ws) => {
      ws.program = async () => program();
      const s = await Stack.createOrSelect(stack, ws);
      const common = { refresh: opts.refresh, color: 'never' as const, onOutput: this.printer(stack) };
      if (opts.preview) return { changes: changesOf((await s.preview(common)).changeSummary) };
      const result = await s.up(common);
      return { changes: changesOf(result.summary.resourceChanges), outputs: Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value])) };
    });
  }

  public async destroy(stack: string, opts: { preview: boolean }): Promise<StackRun> {
    // A preview of the empty program is exactly what a destroy would delete.
    if (opts.preview) return this.update(stack, () => ({}), { preview: true, refresh: false });
    return this.withWorkspace(stack, async (ws) => {
      const s = await Stack.select(stack, ws);
      const result = await s.destroy({ color: 'never', onOutput: this.printer(stack) });
      await ws.removeStack(stack);
      return { changes: changesOf(result.summary.resourceChanges) };
    });
  }

  private cli(): Promise<PulumiCommand> {
    // One version check for the whole run (`PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK` skips it).
    this.command ??= PulumiCommand.get({ root: this.opts.pulumiRoot, skipVersionCheck: process.env.PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK === 'true' });
    return this.command;
  }

  /** Runs `fn` in a fresh work folder with the project (and `stack`'s encryption settings), removed afterwards. */
  private async withWorkspace<T>(stack: string | undefined, fn: (ws: LocalWorkspace) => Promise<T>): Promise<T> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-runtime-deploy-'));
    try {
      const ws = await LocalWorkspace.create({
        workDir,
        pulumiCommand: await this.cli(),
        envVars: this.opts.envVars,
        projectSettings: { name: PROJECT, runtime: 'nodejs', ...this.projectBackend() },
        ...(stack ? { stackSettings: { [stack]: this.encryptionSettings() } } : {}),
      });
      return await fn(ws);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }

  /** The repository's `backend:` (Pulumi.yaml), if it names one. */
  private projectBackend(): { backend?: { url: string } } {
    const yaml = require('js-yaml');
    const project = yaml.load(fs.readFileSync(path.join(this.opts.root, 'Pulumi.yaml'), 'utf8')) ?? {};
    return project.backend?.url ? { backend: { url: project.backend.url } } : {};
  }

  /**
   * The environment stack's secrets provider and its key (its passphrase salt or encrypted data key),
   * so each deploy-made stack encrypts with the environment's key, and its provider settings (the
   * `kubernetes:*` config and other non-agent-runtime keys) unchanged.
   */
  private encryptionSettings(): StackSettings {
    const yaml = require('js-yaml');
    const doc = yaml.load(fs.readFileSync(path.join(this.opts.root, `Pulumi.${this.opts.env}.yaml`), 'utf8')) ?? {};
    const config = Object.fromEntries(Object.entries(doc.config ?? {}).filter(([k]) => !k.startsWith(`${PROJECT}:`)));
    return {
      ...(doc.secretsprovider ? { secretsProvider: doc.secretsprovider } : {}),
      ...(doc.encryptedkey ? { encryptedKey: doc.encryptedkey } : {}),
      ...(doc.encryptionsalt ? { encryptionSalt: doc.encryptionsalt } : {}),
      ...(Object.keys(config).length ? { config } : {}),
    };
  }

  private printer(stack: string): ((out: string) => void) | undefined {
    const print = this.opts.onOutput;
    return print ? (out) => out.split('\n').filter(Boolean).forEach((l) => print(stack, l)) : undefined;
  }
}

function changesOf(ops: OpMap | undefined): ResourceChanges {
  return Object.fromEntries(Object.entries(ops ?? {}).map(([k, v]) => [k, Number(v)]));
}
