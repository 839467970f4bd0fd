/**
 * Drives a serialized dynamic provider through Pulumi's real dynamic-provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`), the gRPC ResourceProvider server the engine
 * starts for `pulumi-nodejs:dynamic:*` resources. The host never calls the engine back for
 * these operations, so no fake engine is needed: it only wants an address argument.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';

const PULUMI_DIR = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const _dep = (name: string) => require(require.resolve(name, { paths: [PULUMI_DIR] }));
const grpc = _dep('@grpc/grpc-js');
const structproto = _dep('google-protobuf/google/protobuf/struct_pb');
const provrpc = require('@pulumi/pulumi/proto/provider_grpc_pb');
const provproto = require('@pulumi/pulumi/proto/provider_pb');

/** Serializes a provider exactly as `pulumi.dynamic.Resource` does (the `__provider` property). */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return sf.text;
}

/** A running host process and a gRPC client of it. */
export interface DynamicProviderHost {
  check(urn: string, olds: object, news: object): Promise<{ inputs: Record<string, any>; failures: { property: string; reason: string }[] }>;
  diff(urn: string, id: string, olds: object, news: object): Promise<{ changes: number; replaces: string[] }>;
  create(urn: string, props: object): Promise<{ id: string; outs: Record<string, any> }>;
  read(urn: string, id: string, props: object): Promise<{ id: string; props: Record<string, any> }>;
  update(urn: string, id: string, olds: object, news: object): Promise<Record<string, any>>;
  delete(urn: string, id: string, props: object): Promise<void>;
  /** Everything the host printed on stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/** The DiffResponse change kinds. */
export const DIFF = provproto.DiffResponse.DiffChanges as { DIFF_UNKNOWN: number; DIFF_NONE: number; DIFF_SOME: number };

/** Starts the host (with ts-node so it can load this package's TypeScript operations modules). */
export async function startDynamicProviderHost(): Promise<DynamicProviderHost> {
  const entry = path.join(PULUMI_DIR, 'cmd', 'dynamic-provider', 'index.js');
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry, '127.0.0.1:1'], {
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`dynamic provider host exited (${code}): ${out}`)));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
  const struct = (o: object) => structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(o)));

  const configure = new provproto.ConfigureRequest();
  configure.setArgs(struct({}));
  await call('configure', configure);

  return {
    async check(urn, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res: any = await call('check', req);
      return {
        inputs: res.getInputs().toJavaScript(),
        failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res: any = await call('diff', req);
      return { changes: res.getChanges(), replaces: res.getReplacesList() };
    },
    async create(urn, props) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(props));
      const res: any = await call('create', req);
      return { id: res.getId(), outs: res.getProperties().toJavaScript() };
    },
    async read(urn, id, props) {
      const req = new provproto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(props));
      const res: any = await call('read', req);
      return { id: res.getId(), props: res.getProperties()?.toJavaScript() ?? {} };
    },
    async update(urn, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res: any = await call('update', req);
      return res.getProperties().toJavaScript();
    },
    async delete(urn, id, props) {
      const req = new provproto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(props));
      await call('delete', req);
    },
    output: () => out,
    stop: async () => {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill();
        await exited;
      }
    },
  };
}
