/**
 * Runs the Nacos emulator in a process of its own (as a real Nacos would be), for benchmarks:
 * prints `{"url": ...}` once listening, then serves until stdin closes.
 * Args: <latencyMs> <user> <password>.
 */
import { startNacosEmulator } from '../test/nacos-emulator/nacos-emulator';

const [latency, user, password] = process.argv.slice(2);
startNacosEmulator({ auth: { users: { [user]: password } }, latencyMs: Number(latency) }).then((emu) => {
  console.log(JSON.stringify({ url: emu.url }));
  process.stdin.resume();
  process.stdin.on('end', () => void emu.close().then(() => process.exit(0)));
});
