import { engineDisconnectListener } from '../../stacks/deploy/engine-disconnects';

test('a failed engine\'s disconnect (gRPC 14) is logged during a deploy; any other unhandled rejection still ends the process', () => {
  const logged: string[] = [];
  const listener = engineDisconnectListener((line) => logged.push(line));
  listener(Object.assign(new Error('14 UNAVAILABLE: read ECONNRESET'), { code: 14 }));
  expect(logged).toEqual([expect.stringContaining('14 UNAVAILABLE: read ECONNRESET')]);
  expect(() => listener(new Error('a bug'))).toThrow('a bug');
  expect(() => listener(Object.assign(new Error('cancelled'), { code: 1 }))).toThrow('cancelled');
});
