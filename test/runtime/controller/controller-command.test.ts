import { controllerCommand } from '../../../cli/controller';

describe('agent-runtime controller flags', () => {
  test('refuses to start without --gateway-host, naming the flag and an example, before connecting anywhere', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    try {
      expect(await controllerCommand(['--no-identity'])).toBe(2);
      expect(await controllerCommand(['--no-identity', '--gateway-host', 'https://agents.example.com'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toMatch(/--gateway-host <host> is required \(the platform's gatewayHost, e\.g\. agents\.example\.com\)/);
  });
});
