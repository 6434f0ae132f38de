/**
 * Every command the documents show runs as written on a fresh clone (issue 34). The machine's own
 * `node` may be older than the project's Node 22 (v20 cannot run .ts), and only npm scripts run on
 * the project's, so a document says `npm run <name>`, never `node <file>.ts`; the script it names
 * must exist, and so must a repository path it passes.
 *
 * Commands are the lines of ```sh, ```bash, ```shell and ```console blocks, and inline code in
 * prose that starts with `node`, `npm` or `npx`: prose is where the old `node bench/crash.ts` lines
 * were, so a check of the blocks alone would not have caught them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}
const readManifest = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Manifest;
const project = readManifest('package.json');
const SCRIPTS = project.scripts ?? {};
/** What npm/README.md's readers may install: the published package and what it depends on (the root's, by npm/assemble.ts). */
const INSTALLABLE = new Set([readManifest('npm/package.json').name, ...Object.keys(project.dependencies ?? {})]);

const SHELL_BLOCKS = new Set(['sh', 'bash', 'shell', 'console']);
const FENCE = /^\s*(`{3,}|~{3,})\s*([\w-]*)/;

interface Shown {
  line: number;
  text: string;
}

/** The commands a Markdown document shows, each with the line it starts on. */
function shownCommands(markdown: string): Shown[] {
  const lines = markdown.split('\n');
  const shown: Shown[] = [];
  // Fenced lines are blanked, not removed, so offsets into the prose still give line numbers.
  const prose: string[] = [];
  let fence: { marker: string; shell: boolean; console: boolean } | undefined;
  let continued: Shown | undefined;
  for (const [index, line] of lines.entries()) {
    const opening = FENCE.exec(line);
    if (!fence) {
      if (opening?.[1]) {
        const language = opening[2] ?? '';
        fence = { marker: opening[1], shell: SHELL_BLOCKS.has(language), console: language === 'console' };
        prose.push('');
      } else {
        prose.push(line);
      }
      continue;
    }
    prose.push('');
    const trimmed = line.trim();
    if (trimmed.startsWith(fence.marker) && trimmed.replace(/^[`~]+/, '') === '') {
      fence = undefined;
      continue;
    }
    if (!fence.shell) continue;
    if (continued) {
      continued.text = `${continued.text.slice(0, -1).trimEnd()} ${trimmed}`;
    } else {
      // In a console block only `$ ` lines are commands; the rest is what they print.
      if (fence.console && !trimmed.startsWith('$ ')) continue;
      continued = { line: index + 1, text: trimmed.replace(/^\$ /, '') };
      shown.push(continued);
    }
    if (!continued.text.endsWith('\\')) continued = undefined;
  }
  const text = prose.join('\n');
  for (const span of text.matchAll(/`([^`]+)`/g)) {
    const code = (span[1] ?? '').replace(/\s+/g, ' ').trim();
    if (!/^(node|npm|npx) /.test(code)) continue;
    shown.push({ line: text.slice(0, span.index).split('\n').length, text: code });
  }
  return shown.sort((a, b) => a.line - b.line);
}

/** A shell line as the shell splits it: commands at unquoted `;`, `&`, `|`, each a list of words, up to a `#` comment. */
function commandsOf(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(char)) {
      endWord();
    } else if (';&|'.includes(char)) {
      endCommand();
    } else if (char === '#' && word === undefined) {
      break;
    } else {
      word = (word ?? '') + char;
    }
  }
  endCommand();
  // What precedes the program: variables set for it, and the keywords of a loop or condition.
  return commands.map((command) =>
    command.slice(
      Math.max(
        0,
        command.findIndex((w) => !/^(\w+=.*|do|then|else)$/.test(w)),
      ),
    ),
  );
}

/** How one command can fail as written; an empty list when it runs. */
type Check = (words: string[]) => string[];

const TS_FILE = /\.[cm]?ts$/;
/** A repository-relative path to a file or folder: `bench/x.ts`, `./dist/npm`, `wrangler.toml` (not `@scope/name`, not a URL). */
const REPO_PATH = /^((\.{1,2}\/)?[\w.][\w@.-]*(\/[\w@.-]+)+\/?|[\w.-]+\.(ts|js|mjs|json|toml|sql|md))$/;

/** A path git ignores is something a command makes (dist/ by `npm run build`), so a fresh clone lacks it by design. */
const existsOnAFreshClone = (file: string) =>
  existsSync(path.join(ROOT, file)) || spawnSync('git', ['check-ignore', '-q', file], { cwd: ROOT }).status === 0;

/** The script an npm command runs: `npm start`, `npm test`, `npm run [-s] <name> [-- args]`. */
function scriptRun([command, ...rest]: string[]): string | undefined {
  if (command === 'start' || command === 'test') return command;
  if (command === 'run' || command === 'run-script') return rest.find((arg) => !arg.startsWith('-'));
  return undefined;
}

/** A contributor's command, run in the repository after `npm install`. */
const checkContributorCommand: Check = ([program, ...args]) => {
  const problems: string[] = [];
  const tsFile = program === 'node' ? args.find((arg) => TS_FILE.test(arg)) : undefined;
  if (tsFile) {
    const script = Object.entries(SCRIPTS).find(([, run]) => run === `node ${tsFile.replace(/^\.\//, '')}`)?.[0];
    const fix = script ? `write \`npm run ${script}\`` : 'give it an npm script and write `npm run <name>`';
    problems.push(`the machine's own node runs ${tsFile}, and v20 cannot run .ts: ${fix}`);
  }
  const script = program === 'npm' ? scriptRun(args) : undefined;
  if (script !== undefined && !(script in SCRIPTS)) problems.push(`package.json has no "${script}" script`);
  const binary = program === 'npx' ? args.find((arg) => !arg.startsWith('-')) : undefined;
  if (binary && !existsSync(path.join(ROOT, 'node_modules/.bin', binary))) {
    problems.push(`no dependency provides "${binary}", so npx would fetch whatever the registry has`);
  }
  for (const arg of args) {
    if (REPO_PATH.test(arg) && !existsOnAFreshClone(arg)) problems.push(`${arg} does not exist`);
  }
  return problems;
};

/**
 * A user's command, run in the user's own app: its scripts and files are not this repository's,
 * so only what it installs is ours to check.
 */
const checkUserCommand: Check = ([program, command, ...args]) => {
  if (program !== 'npm' || !['install', 'i', 'add'].includes(command ?? '')) return [];
  return args
    .filter((arg) => !arg.startsWith('-') && !INSTALLABLE.has(arg.replace(/(?<=.)@.*$/, '')))
    .map((arg) => `${arg} is neither the published package (npm/package.json) nor one of its dependencies`);
};

function problemsIn(document: string, markdown: string, check: Check): string[] {
  return shownCommands(markdown).flatMap(({ line, text }) =>
    commandsOf(text)
      .flatMap(check)
      .map((problem) => `${document}:${line}: \`${text}\`: ${problem}`),
  );
}

const DOCUMENTS: [document: string, check: Check][] = [
  ['README.md', checkContributorCommand],
  ['bench/README.md', checkContributorCommand],
  ['SCALING.md', checkContributorCommand],
  ['npm/README.md', checkUserCommand],
];

describe('the commands the documents show', () => {
  for (const [document, check] of DOCUMENTS) {
    it(`${document} shows only commands that run as written on a fresh clone`, () => {
      expect(problemsIn(document, readFileSync(path.join(ROOT, document), 'utf8'), check)).toEqual([]);
    });
  }
});

describe('the check of a command', () => {
  const contributor = (markdown: string) => problemsIn('DOC.md', markdown, checkContributorCommand);

  it("names the npm script to write for a .ts file run on the machine's own node", () => {
    expect(contributor('Intro.\n\n```sh\nLEADS=100 node bench/crash.ts\n```\n')).toEqual([
      "DOC.md:4: `LEADS=100 node bench/crash.ts`: the machine's own node runs bench/crash.ts, and v20 cannot run .ts: write `npm run crash`",
    ]);
  });

  it('finds a command written inline in prose, even across a line break', () => {
    expect(contributor('One.\nThen `node\nbench/nosuch.ts` does it.\n')).toEqual([
      "DOC.md:2: `node bench/nosuch.ts`: the machine's own node runs bench/nosuch.ts, and v20 cannot run .ts: give it an npm script and write `npm run <name>`",
      'DOC.md:2: `node bench/nosuch.ts`: bench/nosuch.ts does not exist',
    ]);
  });

  it('flags an npm script that package.json does not have, and reads only the commands of a console block', () => {
    expect(contributor('```console\n$ npm run -s nosuch -- --flag\nnpm run nosuch-either\n```\n')).toEqual([
      'DOC.md:2: `npm run -s nosuch -- --flag`: package.json has no "nosuch" script',
    ]);
  });

  it('flags a path that does not exist, and no URL, scoped name or path git ignores', () => {
    const block = [
      '```bash',
      'npm start -- --var BASE_URL:http://127.0.0.1:9100 && npm publish ./dist/npm # after `npm run build`',
      'npm run build -- --config bench/nosuch.toml \\',
      '  --also @scope/name',
      '```',
    ].join('\n');
    expect(contributor(block)).toEqual([
      'DOC.md:3: `npm run build -- --config bench/nosuch.toml --also @scope/name`: bench/nosuch.toml does not exist',
    ]);
  });

  it('flags an npx binary that no dependency provides', () => {
    expect(contributor('```shell\nnpx wrangler deploy; npx nosuch-tool\n```\n')).toEqual([
      'DOC.md:2: `npx wrangler deploy; npx nosuch-tool`: no dependency provides "nosuch-tool", so npx would fetch whatever the registry has',
    ]);
  });

  it('reads no command from a block that is not shell', () => {
    expect(contributor('```js\n// node bench/nosuch.ts\n```\n\n```\nnode bench/nosuch.ts\n```\n')).toEqual([]);
  });

  it("lets a user install the published package and its dependencies, and nothing else, in the user's own app", () => {
    const block = '```sh\nnpm install lead-capture lit@3\nnpm run dev && node server.ts\nnpm i lead-captur\n```\n';
    expect(problemsIn('npm/README.md', block, checkUserCommand)).toEqual([
      'npm/README.md:4: `npm i lead-captur`: lead-captur is neither the published package (npm/package.json) nor one of its dependencies',
    ]);
  });
});
