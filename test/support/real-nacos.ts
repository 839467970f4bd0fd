/**
 * Starts and stops one real Nacos 3.1 server (standalone, auth on, 127.0.0.1) from the e2e tools'
 * cache, the way scripts/e2e/start-cluster.sh does, but on free ports and a throw-away data dir so
 * it never collides with the e2e lane (8848) or another run. Used by the jest global setup when
 * `NACOS_BACKEND=real`, and by `npm run bench` for the real-server registration figure.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** What a started server needs to be reached and stopped. */
export interface RealNacos {
  /** Base URL with context path, e.g. `http://127.0.0.1:23848/nacos`. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The server identity header that bypasses auth (as a sidecar would use). */
  readonly identityKey: string;
  readonly identityValue: string;
  /** Process group leader of the JVM. */
  readonly pid: number;
  /** Data, config and logs of this run; removed by {@link stopRealNacos}. */
  readonly dir: string;
}

/** `nacos-<version>` folder of the e2e cache; `undefined` values when versions.env cannot be read. */
export function nacosCacheDir(): string {
  const env = fs.readFileSync(path.join(ROOT, 'scripts', 'e2e', 'versions.env'), 'utf8');
  const version = /^NACOS_VERSION=(\S+)/m.exec(env)?.[1];
  if (!version) throw new Error('scripts/e2e/versions.env has no NACOS_VERSION');
  const cache = process.env.AGENT_RUNTIME_CACHE || path.join(os.homedir(), '.cache', 'agent-runtime-e2e');
  return path.join(cache, `nacos-${version}`);
}

/** True when the Nacos jars are in the cache (a previous `install-tools.sh nacos` completed). */
export function nacosCached(): boolean {
  return fs.existsSync(path.join(nacosCacheDir(), '.complete'));
}

/**
 * Builds the cache if needed, starts Nacos, creates the admin and waits until it logs in.
 * @example const nacos = await startRealNacos(); ...; await stopRealNacos(nacos);
 */
export async function startRealNacos(opts: { log?: (line: string) => void } = {}): Promise<RealNacos> {
  const log = opts.log ?? (() => undefined);
  if (!nacosCached()) {
    log('real Nacos: building the cache with scripts/e2e/install-tools.sh nacos (Maven Central)');
    execFileSync('bash', [path.join(ROOT, 'scripts', 'e2e', 'install-tools.sh'), 'nacos'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const cacheDir = nacosCacheDir();
  const port = await freePortBase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-runtime-nacos-'));
  fs.mkdirSync(path.join(dir, 'conf'));
  fs.mkdirSync(path.join(dir, 'logs'));
  const password = `test-${randomBytes(12).toString('hex')}`;
  const identityValue = randomBytes(16).toString('hex');
  const secret = randomBytes(48).toString('base64');
  // Same settings as scripts/e2e/start-cluster.sh, other ports.
  const props = [
    'nacos.standalone=true',
    'nacos.deployment.type=merged',
    'server.address=127.0.0.1',
    `nacos.server.main.port=${port}`,
    `server.port=${port}`,
    'nacos.server.contextPath=/nacos',
    'server.servlet.contextPath=/nacos',
    `nacos.console.port=${port + 2}`,
    'spring.sql.init.platform=',
    'nacos.core.auth.enabled=true',
    'nacos.core.auth.admin.enabled=true',
    'nacos.core.auth.console.enabled=true',
    'nacos.core.auth.system.type=nacos',
    `nacos.core.auth.plugin.nacos.token.secret.key=${secret}`,
    'nacos.core.auth.plugin.nacos.token.expire.seconds=18000',
    'nacos.core.auth.server.identity.key=testServerIdentity',
    `nacos.core.auth.server.identity.value=${identityValue}`,
    'nacos.istio.mcp.server.enabled=false',
    'management.endpoints.web.exposure.include=health',
    'management.influx.metrics.export.enabled=false',
    'management.elastic.metrics.export.enabled=false',
  ];
  fs.writeFileSync(path.join(dir, 'conf', 'application.properties'), props.join('\n') + '\n', { mode: 0o600 });
  const out = fs.openSync(path.join(dir, 'logs', 'nacos.out'), 'w');
  const classpath = `${path.join(cacheDir, 'launcher')}:${fs.readFileSync(path.join(cacheDir, 'classpath.txt'), 'utf8').trim()}`;
  const child = spawn(
    'java',
    [
      '-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
      '-Dnacos.standalone=true', `-Dnacos.home=${dir}`, `-Dnacos.logs.path=${dir}/logs`, `-DJM.LOG.PATH=${dir}/logs`,
      `-Duser.home=${dir}`, `-Dspring.config.additional-location=file:${dir}/conf/`,
      '-cp', classpath, 'E2eNacosLauncher',
    ],
    // Its own process group, so teardown stops the JVM and nothing else.
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  fs.closeSync(out);
  const nacos: RealNacos = {
    url: `http://127.0.0.1:${port}/nacos`,
    username: 'nacos',
    password,
    identityKey: 'testServerIdentity',
    identityValue,
    pid: child.pid as number,
    dir,
  };
  fs.writeFileSync(path.join(dir, 'pid'), String(nacos.pid));
  try {
    log(`real Nacos: starting on 127.0.0.1:${port} (data ${dir})`);
    await _until(240_000, nacos, async () => (await fetch(`${nacos.url}/v3/admin/core/state/liveness`)).ok);
    await fetch(`${nacos.url}/v3/auth/user/admin`, { method: 'POST', body: new URLSearchParams({ password }) });
    // The user cache refreshes asynchronously: wait until the new admin logs in.
    await _until(60_000, nacos, async () => (await fetch(`${nacos.url}/v3/auth/user/login`, { method: 'POST', body: new URLSearchParams({ username: 'nacos', password }) })).ok);
  } catch (err) {
    await stopRealNacos(nacos, { keepDir: true });
    throw err;
  }
  log(`real Nacos: ready at ${nacos.url}`);
  return nacos;
}

/** Stops the JVM's process group (TERM, then KILL) and removes its data dir. Safe to call twice. */
export async function stopRealNacos(nacos: Pick<RealNacos, 'pid' | 'dir'>, opts: { keepDir?: boolean } = {}): Promise<void> {
  const alive = () => {
    try {
      process.kill(nacos.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-nacos.pid, sig);
    } catch {
      /* already gone */
    }
  };
  if (alive()) {
    signal('SIGTERM');
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive()) signal('SIGKILL');
  }
  if (!opts.keepDir) fs.rmSync(nacos.dir, { recursive: true, force: true });
}

/**
 * A port P such that P (HTTP), P+1000 and P+1001 (gRPC), P-1000 (raft) and P+2 (console) are free
 * on 127.0.0.1; never the e2e lane's 8848.
 */
export async function freePortBase(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const ports = [base, base + 1000, base + 1001, base - 1000, base + 2];
    if ((await Promise.all(ports.map(_free))).every(Boolean)) return base;
  }
  throw new Error('no free port base for Nacos found on 127.0.0.1 after 50 tries');
}

function _free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function _until(ms: number, nacos: RealNacos, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await ok().catch(() => false)) return;
    let alive = true;
    try {
      process.kill(nacos.pid, 0);
    } catch {
      alive = false;
    }
    if (!alive || Date.now() > end) {
      const tail = _tail(path.join(nacos.dir, 'logs', 'nacos.out'));
      throw new Error(`real Nacos ${alive ? `not ready after ${ms / 1000}s` : 'exited'} (logs in ${nacos.dir}/logs):\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function _tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

// `node bin/run-ts.js test/support/real-nacos.ts` starts one and prints its env, for manual probing.
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  startRealNacos({ log: (l) => console.error(l) }).then((n) => {
    console.log(`export NACOS_BACKEND=real NACOS_BACKEND_URL=${n.url} NACOS_BACKEND_USERNAME=${n.username} NACOS_BACKEND_PASSWORD=${n.password} NACOS_BACKEND_IDENTITY=${n.identityKey}:${n.identityValue} NACOS_BACKEND_PID=${n.pid} NACOS_BACKEND_DIR=${n.dir}`);
  }, (err) => {
    console.error(err);
    process.exit(1);
  });
}
