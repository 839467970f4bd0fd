/**
 * The Nacos emulator in a process of its own (as a real Nacos would be), for benchmarks: the client
 * under test then has its event loop and a core to itself, as it would against a real server.
 * Run as a script it prints `{"url": ...}` once listening and serves until stdin closes.
 * Args: <latencyMs> <user> <password>.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startNacosEmulator } from '../test/nacos-emulator/nacos-emulator';

/** Starts the emulator in a child process; `close` stops it. */
export async function emulatorProcess(latencyMs: number, user: string, password: string): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'bin', 'run-ts.js'), __filename, String(latencyMs), user, password], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, close: () => new Promise<void>((resolve) => { child.on('exit', () => resolve()); child.stdin.end(); }) };
}

if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  const [latency, user, password] = process.argv.slice(2);
  startNacosEmulator({ auth: { users: { [user]: password } }, latencyMs: Number(latency) }).then((emu) => {
    console.log(JSON.stringify({ url: emu.url }));
    process.stdin.resume();
    process.stdin.on('end', () => void emu.close().then(() => process.exit(0)));
  });
}
