/** Captures everything written to the console and to stdout/stderr until `restore()`. */
export function captureOutput(): { captured: string[]; restore: () => void } {
  const captured: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      captured.push(args.map(String).join(' '));
    }),
  );
  const writes = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
      captured.push(String(chunk));
      return true;
    }) as any),
  );
  return { captured, restore: () => [...spies, ...writes].forEach((s) => s.mockRestore()) };
}
