/**
 * Starts the policy pack the way the Pulumi CLI does (the Node language host runs
 * `@pulumi/pulumi/cmd/run-policy-pack <engine-address> <pack-dir>` in the pack directory; the pack's
 * gRPC Analyzer server prints its port) and calls it over gRPC with Pulumi's own generated protos.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');
const grpc = require('@grpc/grpc-js');
const analyzerRpc = require('@pulumi/pulumi/proto/analyzer_grpc_pb');
const analyzerPb = require('@pulumi/pulumi/proto/analyzer_pb');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb');

/** A diagnostic as returned by the analyzer. */
export interface Diagnostic {
  readonly policyName: string;
  readonly message: string;
  readonly enforcementLevel: 'advisory' | 'mandatory' | 'disabled' | 'remediate';
  readonly urn: string;
}

/** A resource to analyze: Pulumi type token, name and input properties. */
export interface AnalyzedResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly protect?: boolean;
}

const _LEVELS = ['advisory', 'mandatory', 'disabled', 'remediate'] as const;

/** A running pack process and a gRPC client to it. */
export class PackUnderTest {
  private constructor(private readonly proc: ChildProcess, private readonly client: any) {}

  /** Launches `policies/pack/` like `pulumi preview --policy-pack policies/pack` does and connects to it. */
  public static async start(env: string): Promise<PackUnderTest> {
    const runner = require.resolve('@pulumi/pulumi/cmd/run-policy-pack', { paths: [ROOT] });
    const packDir = path.join(ROOT, 'policies', 'pack');
    const proc = spawn(process.execPath, [runner, '127.0.0.1:1', packDir], { cwd: packDir, env: { ...process.env, AGENT_RUNTIME_ENV: env } });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      proc.stdout!.on('data', (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.stderr!.on('data', (d) => (err += d));
      proc.on('exit', (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
    });
    const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PackUnderTest(proc, client);
  }

  /** Names and levels of the policies the pack serves (GetAnalyzerInfo). */
  public async info(): Promise<{ name: string; level: string; configKeys: string[] }[]> {
    const info = await this._call('getAnalyzerInfo', new Empty());
    return info.getPoliciesList().map((p: any) => ({
      name: p.getName(), level: _LEVELS[p.getEnforcementlevel()],
      configKeys: Object.keys(p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}),
    }));
  }

  /** `Analyze`: one resource's inputs, as during preview. */
  public async analyze(r: AnalyzedResource): Promise<Diagnostic[]> {
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(r.type);
    req.setName(r.name);
    req.setUrn(_urn(r));
    req.setProperties(Struct.fromJavaScript(r.props));
    req.setOptions(_options(r));
    return _diagnostics(await this._call('analyze', req));
  }

  /** `AnalyzeStack`: every resource of the stack. */
  public async analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(resources.map((r) => {
      const res = new analyzerPb.AnalyzerResource();
      res.setType(r.type);
      res.setName(r.name);
      res.setUrn(_urn(r));
      res.setProperties(Struct.fromJavaScript(r.props));
      res.setOptions(_options(r));
      return res;
    }));
    return _diagnostics(await this._call('analyzeStack', req));
  }

  /** Stops the pack process. */
  public stop(): void {
    this.client.close();
    this.proc.kill();
  }

  private _call(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) => this.client[method](req, (err: Error | null, res: any) => (err ? reject(err) : resolve(res))));
  }
}

/** The Pulumi type token of a manifest: `kubernetes:<group|core>/<version>:<Kind>`. */
export function typeOf(obj: { apiVersion: string; kind: string }): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['core', obj.apiVersion];
  return `kubernetes:${group}/${version}:${obj.kind}`;
}

/** A manifest as the resource Pulumi would register for it. */
export function asResource(obj: any, protect = false): AnalyzedResource {
  return { type: typeOf(obj), name: `${obj.metadata?.namespace ?? ''}-${obj.metadata?.name}`, props: obj, protect };
}

function _urn(r: AnalyzedResource): string {
  return `urn:pulumi:test::agent-runtime::${r.type}::${r.name}`;
}

function _options(r: AnalyzedResource): unknown {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(r.protect ?? false);
  return o;
}

function _diagnostics(res: any): Diagnostic[] {
  return res.getDiagnosticsList().map((d: any) => ({
    policyName: d.getPolicyname(), message: d.getMessage(), enforcementLevel: _LEVELS[d.getEnforcementlevel()], urn: d.getUrn(),
  }));
}
