// Rebuilds the retrieval quality suite's corpus (scripts/eval-rag/corpus/) from documentation that
// the project's npm dependencies install: the README of every top-level package under a permissive
// licence that ships its licence text, and undici's docs/ folder. Texts are copied verbatim; each
// package's licence files are copied next to them, because the MIT, BSD and ISC licences ask that
// the copyright and permission notice go with every copy.
//
//   npx tsx scripts/eval-rag/build-corpus.ts
//
// The committed corpus is a snapshot: dependency updates change node_modules, not the corpus,
// until this is run again (the evidence-quote test then says which questions need a look).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CorpusEntry } from './corpus.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const modules = join(root, 'node_modules');
const out = fileURLToPath(new URL('./corpus/', import.meta.url));

/** Licences that allow copying the text with its notice; copyleft and unusual ones are left out. */
const PERMISSIVE = new Set([
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
]);
/** Under 1.5 KB a README is mostly badges; over 60 KB one package would outweigh dozens. */
const MIN_BYTES = 1500;
const MAX_BYTES = 60_000;

interface PackageJson {
  name?: string;
  version?: string;
  license?: unknown;
  homepage?: string;
  repository?: string | { url?: string };
}

const slug = (id: string): string => id.replace(/^@/, '').replace(/[/\\]/g, '__').replace(/\.md$/i, '');

function packageDirs(): string[] {
  const dirs: string[] = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.') || name === '@aigw') continue;
    if (name.startsWith('@')) for (const sub of readdirSync(join(modules, name))) dirs.push(`${name}/${sub}`);
    else dirs.push(name);
  }
  return dirs.sort();
}

/** An https URL for the package's repository (package.json spells it many ways), if any. */
function repositoryUrl(pkg: PackageJson): string | undefined {
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const url = (raw ?? pkg.homepage)
    ?.replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^git@github\.com:/, 'https://github.com/')
    .replace(/^(github:)?([\w.-]+\/[\w.-]+)$/, 'https://github.com/$2');
  return url !== undefined && URL.canParse(url) && url.startsWith('https://') ? url : undefined;
}

function copyLicences(dir: string, files: string[], target: string): string[] {
  mkdirSync(join(out, 'licenses', target), { recursive: true });
  return files.map((file) => {
    copyFileSync(join(dir, file), join(out, 'licenses', target, file));
    return `licenses/${target}/${file}`;
  });
}

const firstHeading = (text: string): string | undefined =>
  /^#\s+(.+)$/m.exec(text)?.[1]?.replace(/[`*_]/g, '').trim();

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'docs'), { recursive: true });
const entries: CorpusEntry[] = [];
const seen = new Set<string>();

function add(entry: Omit<CorpusEntry, 'file'>, text: string): void {
  const hash = createHash('sha256').update(text).digest('hex');
  // Aliased packages (e.g. `string-width-cjs`) install the same README twice.
  if (seen.has(hash)) return;
  seen.add(hash);
  const file = `docs/${slug(entry.id)}.md`;
  writeFileSync(join(out, file), text);
  entries.push({ ...entry, file });
}

for (const name of packageDirs()) {
  const dir = join(modules, name);
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    continue;
  }
  if (typeof pkg.license !== 'string' || !PERMISSIVE.has(pkg.license)) continue;
  const files = readdirSync(dir);
  const readme = files.find((file) => /^readme(\.md|\.markdown)?$/i.test(file));
  const licences = files.filter((file) => /^(licen[cs]e|copying|notice)/i.test(file));
  if (readme === undefined || licences.length === 0) continue;
  const bytes = statSync(join(dir, readme)).size;
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) continue;
  const text = readFileSync(join(dir, readme), 'utf8');
  const url = repositoryUrl(pkg);
  add(
    {
      id: name,
      title: name,
      package: name,
      version: pkg.version ?? 'unknown',
      license: pkg.license,
      licenseFiles: copyLicences(dir, licences, slug(name)),
      ...(url === undefined ? {} : { url }),
    },
    text,
  );
}

// undici's guides and API reference: many documents about one library, which is where telling
// near neighbours apart gets hard.
const undici = join(modules, 'undici');
const undiciPkg = JSON.parse(readFileSync(join(undici, 'package.json'), 'utf8')) as PackageJson;
const undiciLicences = copyLicences(undici, ['LICENSE'], 'undici-docs');
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.md') ? [path] : [];
  });
for (const path of walk(join(undici, 'docs')).sort()) {
  const text = readFileSync(path, 'utf8');
  if (Buffer.byteLength(text) < 500) continue;
  const rel = relative(undici, path);
  add(
    {
      id: `undici/${rel}`,
      title: `undici: ${firstHeading(text) ?? rel}`,
      package: 'undici',
      version: undiciPkg.version ?? 'unknown',
      license: 'MIT',
      licenseFiles: undiciLicences,
      url: `https://github.com/nodejs/undici/blob/main/${rel}`,
    },
    text,
  );
}

mkdirSync(dirname(join(out, 'manifest.json')), { recursive: true });
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(entries, null, 2)}\n`);
writeFileSync(join(out, 'README.md'), attribution(entries));
const bytes = entries.reduce((sum, entry) => sum + statSync(join(out, entry.file)).size, 0);
console.log(`${entries.length} documents, ${(bytes / 1024 / 1024).toFixed(2)} MB of text in ${out}`);

/** The corpus folder's README: where every document comes from, under which licence. */
function attribution(list: CorpusEntry[]): string {
  const rows = list.map(
    (entry) =>
      `| \`${entry.id}\` | ${entry.package}@${entry.version} | ${entry.license} | ${entry.licenseFiles
        .map((file) => `[${file.split('/').at(-1) ?? file}](${file})`)
        .join(', ')} |`,
  );
  return [
    '<!-- Generated by scripts/eval-rag/build-corpus.ts; do not edit by hand. -->',
    '',
    '# Retrieval quality corpus',
    '',
    'Documentation written by the authors of the npm packages below, copied verbatim from the',
    "packages this project installs (each package's README, and undici's `docs/` folder), for",
    "`npm run eval:rag`. Each document is under its package's licence; the licence and notice",
    'files each package ships are copied into `licenses/` and listed next to it. Nothing here is',
    "this project's own text.",
    '',
    '| document | package | licence | licence files |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
