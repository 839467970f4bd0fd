import { isSecret, Registration, runStackWithMocks } from './stack-harness';

/** The checks every environment's stack must pass under mocks. */
export function describeStackEnvironment(env: string): void {
  let registrations: Registration[];
  beforeAll(async () => { ({ registrations } = await runStackWithMocks(env)); });

  test('registers the platform, both tenants and their registrations in order', () => {
    const release = (name: string) => registrations.find((r) => r.type === 'agentruntime:k8s:ChartRelease' && r.name === name)!;
    expect(['platform-base', 'platform', 'tenant-acme', 'tenant-globex'].every((n) => release(n))).toBe(true);
    expect(release('tenant-acme').dependencies.some((d) => d.endsWith('::platform'))).toBe(true);
    const cards = registrations.filter((r) => r.name.startsWith('card-'));
    expect(cards.length).toBe(4);
    expect(cards.every((c) => c.dependencies.some((d) => d.endsWith('::platform')))).toBe(true);
  });

  test(`${env === 'prod' ? 'protects' : 'does not protect'} the registry release`, () => {
    const platform = registrations.find((r) => r.type === 'agentruntime:k8s:ChartRelease' && r.name === 'platform')!;
    expect([platform.protect, platform.retainOnDelete]).toEqual(env === 'prod' ? [true, true] : [false, false]);
  });

  test('keeps every Secret value secret', () => {
    const secrets = registrations.filter((r) => r.type === 'kubernetes:core/v1:Secret');
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    expect(secrets.every((s) => isSecret(s.wire.stringData))).toBe(true);
  });
}
