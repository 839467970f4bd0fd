/**
 * Registration benchmark: 1,000 AgentCards against the Nacos emulator with 5 ms of added
 * latency per request, sequentially and with bounded concurrency, in the same run.
 * Prints figures and never fails on time. Alone: `node bin/run-ts.js bench/registration.ts`.
 */
import * as path from 'node:path';
import type { AgentCard } from '../runtime/agent-card';
import { NacosClient } from '../runtime/nacos-client';
import { CardToRegister, registerCards } from '../runtime/register';
import { startNacosEmulator } from '../test/nacos-emulator/nacos-emulator';

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

async function _run(cards: CardToRegister[], concurrency: number): Promise<{ cardsPerSecond: number; seconds: number; cpuMsPerCard: number; requestsPerCard: number }> {
  const emu = await startNacosEmulator({ auth: { users: { nacos: 'bench-password' } }, latencyMs: LATENCY_MS });
  try {
    const client = new NacosClient({ endpoint: emu.url, username: 'nacos', password: 'bench-password' });
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const report = await registerCards(client, cards, { concurrency });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    const cpuMsPerCard = (used.user + used.system) / 1000 / cards.length;
    if (report.created.length !== cards.length) throw new Error(`expected ${cards.length} created, got ${report.created.length}: ${JSON.stringify(report.failed.slice(0, 3))}`);
    return { cardsPerSecond: cards.length / seconds, seconds, cpuMsPerCard, requestsPerCard: _round(emu.state.requests.length / cards.length) };
  } finally {
    await emu.close();
  }
}

function _card(i: number): CardToRegister {
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
  return { card, namespace: `tenant-${i % 10}`, setAsLatest: true };
}

function _round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  benchRegistration().then((r) => console.log(JSON.stringify(r, null, 2)));
}
