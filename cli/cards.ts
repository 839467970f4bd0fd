/**
 * `agent-runtime cards <dir>`: prints the AgentCards derived from synthesized manifests as a JSON
 * array of `{namespace, setAsLatest, source, card}`: each card with where `register` puts it.
 */
import { parseArgs } from './args';

export const USAGE = 'usage: agent-runtime cards <dir|file>';

/** Prints the cards; exit 1 when a card is invalid (the failures go to stderr), 2 on bad usage. */
export async function cardsCommand(args: string[]): Promise<number> {
  const { positional } = parseArgs(args, { values: [], booleans: [] });
  if (positional.length !== 1) {
    console.error(`agent-runtime cards: expected one manifest directory or file, got ${positional.length}\n${USAGE}`);
    return 2;
  }
  const { readManifestCards } = await import('../runtime/manifest-cards');
  const { validateAgentCard } = await import('../runtime/agent-card');
  const found = readManifestCards(positional[0]);
  console.log(JSON.stringify(found.map((f) => ({ namespace: f.namespace, setAsLatest: f.setAsLatest, source: f.source, card: f.card })), null, 2));
  let invalid = 0;
  for (const f of found) {
    const failures = validateAgentCard(f.card);
    if (!failures.length) continue;
    invalid++;
    console.error(`${f.source}:\n${failures.map((x) => `  - ${x.field}: ${x.message}`).join('\n')}`);
  }
  return invalid ? 1 : 0;
}
