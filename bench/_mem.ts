import { synthesizeToDirectory } from '../stacks/synth-to-directory';
import { syntheticConfig } from './synthetic-platform';
(async () => {
  const cfg = syntheticConfig(1000);
  const t0 = Date.now();
  await synthesizeToDirectory(cfg, '/tmp/mem-out', { workers: Number(process.argv[2]) });
  const c = process.cpuUsage(); console.log('ms', Date.now() - t0, 'cpu', Math.round((c.user + c.system) / 1000), 'rss', Math.round(process.resourceUsage().maxRSS / 1024), 'heap', Math.round(process.memoryUsage().heapUsed / 1048576));
})();
