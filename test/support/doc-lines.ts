/**
 * The commands the docs show, read out of every Markdown page: shell lines of ```sh blocks
 * and `agent-runtime ...` code spans. Shared by test/docs.test.ts (the clone's CLI) and
 * test/package/ (the installed package's).
 */
import { COMMANDS } from '../../cli/main';
import * as fs from 'fs';
import * as path from 'path';

export interface DocPage {
  /** Relative to the repository root, e.g. `docs/cli.md`. */
  readonly file: string;
  readonly text: string;
}

export interface ShellLine {
  /** `file:line`. */
  readonly where: string;
  /** The command, comment removed, continuation lines joined. */
  readonly line: string;
}

export interface CliLine extends ShellLine {
  readonly command: string;
  /** The arguments after `agent-runtime`, as a shell would split them. */
  readonly args: string[];
  /** From a ```sh block, offline (synth, review, cards, schema), no placeholder and no environment: run it as printed. */
  readonly runnable: boolean;
}

/** Every command of the CLI, as its dispatcher knows them. */
export const COMMAND_NAMES = Object.keys(COMMANDS);
const OFFLINE = ['synth', 'review', 'cards', 'schema'];

/** Folders whose Markdown is not ours. */
const NOT_DOCS = new Set(['node_modules', 'generated', 'dist', 'dist-lib', 'coverage', '.git']);

/** The README, then every other Markdown file of the repository that exists (docs/, each folder's README). */
export function docPages(root: string): DocPage[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !NOT_DOCS.has(entry.name) && !entry.name.startsWith('.')) walk(rel);
      else if (entry.isFile() && entry.name.endsWith('.md') && rel !== 'README.md') found.push(rel);
    }
  };
  walk('');
  return ['README.md', ...found.sort()].map((file) => ({ file, text: fs.readFileSync(path.join(root, file), 'utf8') }));
}

/** The lines of the page's ```sh blocks. */
export function shellLines(page: DocPage): ShellLine[] {
  const lines: ShellLine[] = [];
  const rows = page.text.split('\n');
  let inSh = false;
  for (let i = 0; i < rows.length; i++) {
    if (/^```/.test(rows[i])) {
      inSh = !inSh && rows[i].trim() === '```sh';
      continue;
    }
    if (!inSh) continue;
    let line = rows[i];
    const start = i;
    while (line.endsWith('\\') && i + 1 < rows.length) line = `${line.slice(0, -1)} ${rows[++i].trim()}`;
    line = stripComment(line).trim();
    if (line) lines.push({ where: `${page.file}:${start + 1}`, line });
  }
  return lines;
}

/** Every `agent-runtime <command> ...` the page shows: in shell lines and in code spans. */
export function cliLines(page: DocPage): CliLine[] {
  const fromShell = shellLines(page).flatMap((l) => segmentsWithCli(l.line).map((segment) => toCliLine(l.where, segment, true)));
  const fromSpans: CliLine[] = [];
  page.text.split('\n').forEach((row, i) => {
    if (row.startsWith('  agent-runtime ') || row.startsWith('usage:')) return; // the usage block, compared whole
    for (const m of row.matchAll(/`([^`]*\bagent-runtime [a-z][^`]*)`/g)) {
      for (const segment of segmentsWithCli(m[1])) fromSpans.push(toCliLine(`${page.file}:${i + 1}`, segment, false));
    }
  });
  return [...fromShell, ...fromSpans.filter((s) => !fromShell.some((l) => l.line === s.line))];
}

/** The `--flags` of a line. */
export function flagsOf(line: string): string[] {
  return [...line.matchAll(/(?:^|[\s[|])(--[a-z][\w-]*)/g)].map((m) => m[1]);
}

/** Each command's flags as its parser knows them: asked with a flag it cannot know. */
export function knownFlags(run: (args: string[]) => { stderr: string }): Record<string, string[]> {
  const known: Record<string, string[]> = {};
  for (const command of COMMAND_NAMES) {
    const { stderr } = run([command, '--not-a-flag-of-any-command']);
    const m = /known flags: (.*)/.exec(stderr);
    if (!m) throw new Error(`agent-runtime ${command} did not list its flags: ${stderr}`);
    known[command] = [...(m[1] === 'none' ? [] : m[1].split(', ').map((f) => f.trim())), '--help'];
  }
  return known;
}

function stripComment(line: string): string {
  if (line.trimStart().startsWith('#')) return '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/** The parts of a command line (split at `&&`, `;`, `|`) that run agent-runtime (not `npm install agent-runtime`). */
function segmentsWithCli(line: string): string[] {
  return line.split(/\s*(?:&&|;|\|)\s*/).filter((s) => cliIndex(shellWords(s)) >= 0);
}

/** Where the command word is: first, or after `npx`, `node` or environment assignments. */
function cliIndex(words: string[]): number {
  return words.findIndex((w, i) => /^(?:npx |node )?(?:\S*\/)?agent-runtime(?:\.js)?$/.test(w)
    && words.slice(0, i).every((before) => /^[A-Z_]+=/.test(before) || before === 'npx' || before === 'node')
    && /^[a-z]/.test(words[i + 1] ?? ''));
}

function toCliLine(where: string, segment: string, fromShell: boolean): CliLine {
  const words = shellWords(segment);
  const at = cliIndex(words);
  const args = words.slice(at + 1);
  const command = args[0] ?? '';
  const environment = words.slice(0, at).some((w) => /^[A-Z_]+=/.test(w));
  const placeholder = /[<>[\]]|\.\.\./.test(segment);
  return { where, line: segment, command, args, runnable: fromShell && OFFLINE.includes(command) && !environment && !placeholder };
}

function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}
