import { toleratingEngineDisconnects } from '../../stacks/deploy/engine-disconnects';

const ours = () => process.listeners('unhandledRejection').at(-1) as (reason: unknown) => void;

test('during a deploy a failed engine\'s disconnect (gRPC 14) is logged, anything else still ends the process; the listener goes after', async () => {
  const before = process.listenerCount('unhandledRejection');
  const logged: string[] = [];
  await toleratingEngineDisconnects(async () => {
    const listener = ours();
    listener(Object.assign(new Error('14 UNAVAILABLE: read ECONNRESET'), { code: 14 }));
    expect(() => listener(new Error('a bug'))).toThrow('a bug');
  }, (line) => logged.push(line));
  expect(logged).toEqual([expect.stringContaining('14 UNAVAILABLE: read ECONNRESET')]);
  expect(process.listenerCount('unhandledRejection')).toBe(before);
});
