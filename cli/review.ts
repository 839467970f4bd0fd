/** `agent-runtime review <file|dir>... [--env <env>] [--format text|json|markdown] [--config <file>]`. */
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { parseArgs } from './args';
import { reviewAgainstBaseline } from '../policies/baseline-review';
import { checkManifests, type ReviewReport } from '../policies/check-manifests';
import { resolveConfig, type PolicyConfig, type PolicyConfigFile } from '../policies/config';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../policies/format-report';
import { loadAllKube } from '../policies/kube-yaml';
import { loadManifests } from '../policies/load-manifests';
import { ENVS, type Env, type K8sObject } from '../policies/types';

export const USAGE = 'usage: agent-runtime review <file|dir>... [--env dev|staging|prod] [--format text|json|markdown] [--config <policy-config.yaml>] [--allow-empty] [--baseline <synth dir> | --stack <name> [--root <dir>]]';

/** Flags that take one value: given twice, which one counts would be a guess. */
const _SINGLE = ['env', 'format', 'config', 'baseline', 'stack', 'root'];

/** Result of reviewing objects in memory. */
export interface ReviewOutput {
  readonly text: string;
  /** 1 when a mandatory violation exists, else 0. */
  readonly exitCode: number;
  readonly report: ReviewReport;
}

/**
 * Reviews objects already in memory (what `synth` produced) and renders the report.
 * @example const { text, exitCode } = reviewObjects(objects, 'prod');
 */
export function reviewObjects(objects: readonly K8sObject[], env: Env, format: ReportFormat = 'text', config?: PolicyConfig,
  sourceOf?: (obj: K8sObject) => string | undefined): ReviewOutput {
  const report = checkManifests(objects, { env, config, sourceOf });
  return { text: formatReport(report, format), exitCode: report.verdict === 'fail' ? 1 : 0, report };
}

/** Runs the command; resolves to the exit code (0 pass, 1 mandatory violation, 2 usage/IO/YAML error). */
export async function reviewCommand(args: string[]): Promise<number> {
  try {
    const { positional, flags } = parseArgs(args, { values: _SINGLE, booleans: ['help', 'allow-empty'] });
    if (flags.baseline !== undefined && flags.stack !== undefined) throw new Error('give --baseline <dir> or --stack <name>, not both');
    for (const name of _SINGLE) {
      const given = args.filter((a) => a === `--${name}` || a.startsWith(`--${name}=`)).length;
      if (given > 1) throw new Error(`--${name} is given ${given} times; give it once`);
    }
    if (flags.help) {
      console.log(USAGE);
      return 0;
    }
    if (positional.length === 0) throw new Error(`no file or directory given\n${USAGE}`);
    const env = String(flags.env ?? 'dev');
    if (!(ENVS as readonly string[]).includes(env)) throw new Error(`--env "${env}" is unknown; use one of ${ENVS.join(', ')}`);
    const format = String(flags.format ?? 'text');
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new Error(`--format "${format}" is unknown; use one of ${REPORT_FORMATS.join(', ')}`);
    const config = flags.config ? resolveConfig(env as Env, _readConfig(String(flags.config)), String(flags.config)) : undefined;
    const loaded = loadManifests(positional);
    // Nothing to review is not a pass: a wrong path, an empty folder or a non-manifest file must not look like one.
    if (loaded.objects.length === 0 && !flags['allow-empty']) {
      throw new Error(`no Kubernetes objects found in ${positional.join(', ')} (${loaded.files.length} file(s) read${loaded.skipped ? `, ${loaded.skipped} document(s) skipped: ${loaded.skippedAt.slice(0, 3).join(', ')}` : ''}); give the folder of the manifests, or pass --allow-empty`);
    }
    if (flags.baseline !== undefined || flags.stack !== undefined) {
      const baseline = flags.baseline !== undefined ? loadManifests([String(flags.baseline)]).objects : await _synthesize(String(flags.stack), String(flags.root ?? process.cwd()));
      const result = reviewAgainstBaseline(loaded.objects, baseline, env as Env, config);
      console.log(format === 'json' ? JSON.stringify({ weakenings: result.weakenings, newViolations: result.newViolations, diff: result.diff }, null, 2) : result.markdown);
      return result.weakenings > 0 ? 1 : 0;
    }
    const out = reviewObjects(loaded.objects, env as Env, format as ReportFormat, config, loaded.sourceOf);
    if (loaded.skipped && format === 'text') console.log(`note: ${loaded.skipped} document(s) are not Kubernetes objects and were not reviewed: ${loaded.skippedAt.slice(0, 5).join(', ')}${loaded.skipped > 5 ? ', ...' : ''}`);
    console.log(out.text);
    return out.exitCode;
  } catch (e) {
    console.error(`agent-runtime review: ${(e as Error).message}`);
    return 2;
  }
}

/** The objects the stack's configuration produces (what `synth --stack <name>` writes). */
async function _synthesize(stack: string, root: string): Promise<K8sObject[]> {
  const { synthesizePlatform } = await import('../stacks/charts');
  const { loadStackConfig } = await import('../stacks/config');
  return synthesizePlatform(loadStackConfig(stack, root)).charts.flatMap((c) => c.objects as K8sObject[]);
}

function _readConfig(file: string): PolicyConfigFile {
  let doc: unknown;
  try {
    doc = loadAllKube(fs.readFileSync(file, 'utf8'), file)[0];
  } catch (e) {
    const err = e as yaml.YAMLException;
    throw new Error(err.mark ? `${file}:${err.mark.line + 1}: invalid YAML: ${err.reason}` : `${file}: ${err.message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: expected a mapping with keys all, dev, staging or prod`);
  return doc as PolicyConfigFile;
}
