/**
 * @module The deployer's forms, from files to the Worker. Forms are JSON files, one per form, named
 * for its id: `forms/` holds the deployment's, `demo/forms/` the demo's (added only when
 * `LEAD_CAPTURE_DEMO=1`, which `npm start` and the tests set).
 *
 *   node tools/forms.ts check [dir...]   check the files (default: forms/), naming file, path and rule
 *   node tools/forms.ts build            check, then write edge/forms/configured.js for the bundler
 *   node tools/forms.ts schema           write forms.schema.json, the schema editors check files with
 *
 * `build` is wrangler's custom build (wrangler.toml), so `wrangler dev` and `wrangler deploy` both
 * refuse a bad form before any bundle exists.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { checkFormFiles, describeProblem, type FormFile, formConfigSchema } from '../edge/forms/schema.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEPLOYMENT_FORMS = 'forms';
export const DEMO_FORMS = 'demo/forms';
export const SCHEMA_FILE = 'forms.schema.json';
const MODULE_FILE = 'edge/forms/configured.js';

/** The folders a build takes forms from: the deployment's, and the demo's in local development. */
export function formFolders(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return env.LEAD_CAPTURE_DEMO === '1' ? [DEPLOYMENT_FORMS, DEMO_FORMS] : [DEPLOYMENT_FORMS];
}

/** The JSON files of `folders` (paths from the root, sorted), parsed; a file that is not JSON is a problem. */
export function readFormFiles(folders: readonly string[], root = ROOT) {
  const files: FormFile[] = [];
  const problems: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(path.join(root, folder)).filter((name) => name.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = `${folder}/${name}`;
      try {
        files.push({ file, form: JSON.parse(readFileSync(path.join(root, file), 'utf8')) });
      } catch (error) {
        problems.push(`${file}: (root): ${(error as Error).message} (rule: json)`);
      }
    }
  }
  return { files, problems };
}

/** Every problem with the forms in `folders`, one line each: `file: path: message (rule: …)`. */
export function checkFolders(folders: readonly string[], root = ROOT): { count: number; problems: string[] } {
  const read = readFormFiles(folders, root);
  const checked = checkFormFiles(read.files);
  return { count: read.files.length, problems: [...read.problems, ...checked.problems.map(describeProblem)] };
}

/**
 * The module the Worker imports: each file imported as it is (the bundler inlines the JSON and
 * `wrangler dev` reloads when one changes), with its path, so the relay's own check at start-up
 * names the file too.
 */
export function configuredModule(files: readonly FormFile[]): string {
  const lines = ['// Written by `node tools/forms.ts build`: the form files this build serves.'];
  files.forEach(({ file }, i) => {
    lines.push(`import form${i} from ${JSON.stringify(`../../${file}`)};`);
  });
  const entries = files.map(({ file }, i) => `  { file: ${JSON.stringify(file)}, form: form${i} },`);
  lines.push('export const configuredForms = [', ...entries, '];', '');
  return lines.join('\n');
}

export function build(
  root = ROOT,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { forms: number; problems: string[] } {
  const folders = formFolders(env);
  const { count, problems } = checkFolders(folders, root);
  if (problems.length === 0) {
    writeFileSync(path.join(root, MODULE_FILE), configuredModule(readFormFiles(folders, root).files));
  }
  return { forms: count, problems };
}

/** The JSON Schema of a form file, from the zod schema the relay checks forms with. */
export function formJsonSchema(): string {
  const schema = z.toJSONSchema(formConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'lead-capture form' }, null, 2)}\n`;
}

function report(what: string, result: { count?: number; forms?: number; problems: string[] }): void {
  if (result.problems.length > 0) {
    console.error(`[forms] ${result.problems.length} problem(s):\n${result.problems.join('\n')}`);
    process.exitCode = 1;
    return;
  }
  console.log(`[forms] ${what}: ${result.count ?? result.forms} form(s), no problems`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'check') report('checked', checkFolders(args.length ? args : [DEPLOYMENT_FORMS]));
  else if (command === 'build') report(`built ${MODULE_FILE} from ${formFolders().join(', ')}`, build());
  else if (command === 'schema') {
    writeFileSync(path.join(ROOT, SCHEMA_FILE), formJsonSchema());
    console.log(`[forms] wrote ${SCHEMA_FILE}`);
  } else {
    console.error('usage: node tools/forms.ts check [folder...] | build | schema');
    process.exitCode = 2;
  }
}
