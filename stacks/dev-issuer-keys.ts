/**
 * Throwaway JWT signing keys of `dev` stacks: generated on first use, one per stack and issuer,
 * and kept outside the repository, in `$AGENT_RUNTIME_DEV_KEYS` or else
 * `$XDG_CONFIG_HOME/agent-runtime/dev-keys` (`~/.config/agent-runtime/dev-keys`), mode 0600.
 * Whoever has the file signs for that dev gateway; nothing in the repository does.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The two issuers of a gateway. */
export type IssuerName = 'public' | 'internal';

/** Where the throwaway keys live. */
export function devKeyDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGENT_RUNTIME_DEV_KEYS) return env.AGENT_RUNTIME_DEV_KEYS;
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'agent-runtime', 'dev-keys');
}

/**
 * The PEM private key of `stack`'s `issuer`, generated (EC P-256) the first time. Concurrent first
 * uses agree on one key: it is written aside and linked into place without replacing a winner.
 * @example devIssuerKey('dev', 'internal')
 */
export function devIssuerKey(stack: string, issuer: IssuerName, dir = devKeyDirectory()): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(stack)) throw new Error(`stack name "${stack}" cannot name a key file`);
  const file = path.join(dir, `${stack}-${issuer}-issuer.pem`);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(partial, pem, { mode: 0o600 });
  try {
    fs.linkSync(partial, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return fs.readFileSync(file, 'utf8');
}
