/** The venv of the official Python A2A clients (a2a-sdk 1.x, a2a-lint), installed once outside the repo by scripts/install-a2a-clients.sh. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** The venv's python; installs it on first use (minutes, once per machine). */
export function a2aPython(): string {
  return execFileSync('bash', [path.join(ROOT, 'scripts', 'install-a2a-clients.sh')], { encoding: 'utf8', timeout: 15 * 60_000, stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
}

/** A console script of the venv (e.g. `a2a-lint`). */
export function venvBin(python: string, name: string): string {
  return path.join(path.dirname(python), name);
}
