/**
 * Registration benchmark: 1,000 AgentCards against the Nacos emulator with 5 ms of added
 * latency per request, sequentially and with bounded concurrency, in the same run; and the same
 * ratio against the real Nacos 3.1 of the e2e tools' cache (started for the run on free ports;
 * skipped, with the reason recorded, when the cache is absent).
 * Prints figures and never fails on time. Alone: `node bin/run-ts.js bench/registration.ts`.
 */
import * as path from 'node:path';
import type { AgentCard } from '../runtime/agent-card';
import { NacosClient } from '../runtime/nacos-client';
import { CardToRegister, registerCards } from '../runtime/register';
import { nacosCacheDir, nacosCached, startRealNacos, stopRealNacos } from '../test/support/real-nacos';
import { emulatorProcess } from './emulator-process';

const CARDS = 1000;
const LATENCY_MS = 5;
/** The `register` default, and a wider setting for comparison. */
const CONCURRENCY = [16, 32] as const;

/** Runs the benchmark and returns its figures (cards per second both ways and their ratio; target >= 8). */
export async function benchRegistration(): Promise<Record<string, unknown>> {
  const cards = Array.from({ length: CARDS }, (_, i) => _card(i));
  await _run(cards.slice(0, 200), 16); // warm-up (JIT, module loading), not reported
  const sequential = await _run(cards, 1);
  const concurrent = [];
  for (const concurrency of CONCURRENCY) {
    const run = await _run(cards, concurrency);
    concurrent.push({
      concurrency,
      cardsPerSecond: _round(run.cardsPerSecond),
      seconds: _round(run.seconds),
      cpuMsPerCard: _round(run.cpuMsPerCard),
      speedup: _round(run.cardsPerSecond / sequential.cardsPerSecond),
    });
  }
  return {
    cards: CARDS,
    addedLatencyMs: LATENCY_MS,
    requestsPerCard: sequential.requestsPerCard,
    sequential: { cardsPerSecond: _round(sequential.cardsPerSecond), seconds: _round(sequential.seconds), cpuMsPerCard: _round(sequential.cpuMsPerCard) },
    concurrent,
    // Headline: the default concurrency of `agent-runtime register`.
    speedup: concurrent[0].speedup,
    target: '>= 8x sequential',
    meetsTarget: concurrent[0].speedup >= 8,
  };
}

/** Cards registered against the real server, each way (it is slower than the emulator). */
const REAL_CARDS = 300;

/**
 * The same ratio against the real Nacos 3.1: {@link REAL_CARDS} cards sequentially, then with
 * the `register` default concurrency, each into fresh namespaces of the same server.
 */
export async function benchRegistrationRealNacos(): Promise<Record<string, unknown>> {
  if (!nacosCached()) {
    return { skipped: `no Nacos 3.1 in ${nacosCacheDir()}; build it with \`bash scripts/e2e/install-tools.sh nacos\`` };
  }
  const t0 = process.hrtime.bigint();
  const nacos = await startRealNacos();
  const startSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  try {
    const client = () => new NacosClient({ endpoint: nacos.url, username: nacos.username, password: nacos.password });
    const cards = (prefix: string) => Array.from({ length: REAL_CARDS }, (_, i) => _card(i, prefix));
    await _measure(client(), cards('warm').slice(0, 50), 16); // warm-up of both JVM and node, not reported
    const sequential = await _measure(client(), cards('seq'), 1);
    const concurrent = await _measure(client(), cards('c16'), CONCURRENCY[0]);
    const speedup = _round(concurrent.cardsPerSecond / sequential.cardsPerSecond);
    return {
      cards: REAL_CARDS,
      server: 'Nacos 3.1 standalone (auth on, embedded storage), same 2-core machine',
      nacosStartSeconds: _round(startSeconds),
      sequential: { cardsPerSecond: _round(sequential.cardsPerSecond), seconds: _round(sequential.seconds) },
      concurrent: { concurrency: CONCURRENCY[0], cardsPerSecond: _round(concurrent.cardsPerSecond), seconds: _round(concurrent.seconds) },
      speedup,
      note: 'sequentially each card waits for the server (a GET and a POST, a config write with embedded storage); 16 in flight overlap those waits, bounded by the 2 cores the server shares with the client',
    };
  } finally {
    await stopRealNacos(nacos);
  }
}

async function _run(cards: CardToRegister[], concurrency: number): Promise<{ cardsPerSecond: number; seconds: number; cpuMsPerCard: number; requestsPerCard: number }> {
  // In a process of its own, as Nacos is: sharing this event loop would charge the server's work to the client.
  const emu = await emulatorProcess(LATENCY_MS, 'nacos', 'bench-password');
  try {
    let requests = 0;
    const client = new NacosClient({ endpoint: emu.url, username: 'nacos', password: 'bench-password', observe: () => requests++ });
    const run = await _measure(client, cards, concurrency);
    return { ...run, requestsPerCard: _round(requests / cards.length) };
  } finally {
    await emu.close();
  }
}

/** Registers `cards` (all new) and times it. */
async function _measure(client: NacosClient, cards: CardToRegister[], concurrency: number): Promise<{ cardsPerSecond: number; seconds: number; cpuMsPerCard: number }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const report = await registerCards(client, cards, { concurrency });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuMsPerCard = (used.user + used.system) / 1000 / cards.length;
  if (report.created.length !== cards.length) throw new Error(`expected ${cards.length} created, got ${report.created.length}: ${JSON.stringify(report.failed.slice(0, 3))}`);
  return { cardsPerSecond: cards.length / seconds, seconds, cpuMsPerCard };
}

function _card(i: number, prefix = 'tenant'): CardToRegister {
  const name = `agent-${String(i).padStart(4, '0')}`;
  const card: AgentCard = {
    protocolVersion: '0.3.0',
    name,
    description: `Benchmark agent ${i}`,
    version: '1.0.0',
    url: `https://gateway.example.com/api/v1/internal/a2a/${name}`,
    preferredTransport: 'JSONRPC',
    capabilities: { streaming: true },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'answer', name: 'Answer', description: 'Answers questions', tags: ['bench'] }],
  };
  return { card, namespace: `${prefix}-${i % 10}`, setAsLatest: true };
}

function _round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  (async () => {
    console.log(JSON.stringify({ registration: await benchRegistration(), registrationRealNacos: await benchRegistrationRealNacos() }, null, 2));
  })();
}
