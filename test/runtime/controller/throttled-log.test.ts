import { throttledLog } from '../../../runtime/controller/throttled-log';

test('repeated retry lines are counted, not printed, within the window; other lines pass', () => {
  const printed: string[] = [];
  let now = 0;
  const log = throttledLog((l) => printed.push(l), { windowMs: 10_000, now: () => now });
  const refused = (n: number) => `POST /v3/admin/ns/instance: connection refused; retry ${n} in ${n * 100} ms`;
  log(refused(1));
  for (let i = 0; i < 50; i++) log(refused(2));
  log('GET /v3/admin/ns/service/list: HTTP 503; retry 1 in 100 ms');
  now = 10_000;
  log(refused(3));
  log(refused(4));
  expect(printed).toEqual([
    refused(1),
    'GET /v3/admin/ns/service/list: HTTP 503; retry 1 in 100 ms',
    `${refused(3)} (and 50 more like it since the last one)`,
  ]);
});
