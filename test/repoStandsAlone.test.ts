// The repository stands alone: a clone holds the whole contract (docs/), nothing in it
// names a document outside it, and every pointer into docs/ leads to a file and a heading
// that exist. The forbidden names are built from parts, so this file does not name them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

/** Names of documents that live outside the repository, as patterns. */
const OUTSIDE_DOCUMENTS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  // The word on its own ("… 3.8", "….md", "… section 5"), never inside a longer word (a HubSpot option value, an identifier).
  { name: 'the outside product specification', pattern: new RegExp(`\\b${['S', 'PEC'].join('')}\\b`) },
  { name: 'the outside HubSpot facts sheet', pattern: new RegExp(['hubspot', 'api\\.md'].join('-')) },
  { name: 'the shared folder beside the repository', pattern: new RegExp(['\\.\\.', 'shared'].join('/')) },
];

/** `docs/<file>.md`, optionally `#<anchor>`, anywhere (comments, test names, README). */
const DOCS_POINTER = /docs\/([A-Za-z0-9_-]+)\.md(?:#([a-z0-9_-]+))?/g;
/** A Markdown link to another page of the same folder or to a heading: `](mapping.md#values)`, `](#exit-codes)`. */
const RELATIVE_LINK = /\]\((?:([A-Za-z0-9_-]+)\.md)?(?:#([a-z0-9_-]+))?\)/g;

/** Folders that are built, installed or written by runs, never part of the repository. */
const NOT_TRACKED = new Set(['.git', 'node_modules', 'dist', 'coverage', '.hubspot-sync', 'out']);

/** The repository's files: what git tracks, or (in an export without .git) the tree minus build output. */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter((path) => path !== '' && existsSync(join(ROOT, path)));
  } catch {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (NOT_TRACKED.has(name)) continue;
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(relative(ROOT, path));
      }
    };
    walk(ROOT);
    return files;
  }
}

/** The file's text, or undefined for a binary file (a NUL byte: gzip fixtures). */
function textOf(path: string): string | undefined {
  const bytes = readFileSync(join(ROOT, path));
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

/** GitHub's anchor for a heading: lowercase, punctuation removed, spaces as hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (fenced code skipped). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) anchors.add(headingAnchor(heading[1] ?? ''));
  }
  return anchors;
}

/** Where `text` names an outside document: one line per hit. */
function outsideReferences(path: string, text: string): string[] {
  const hits: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const { name, pattern } of OUTSIDE_DOCUMENTS) {
      if (pattern.test(line) || pattern.test(path)) hits.push(`${path}:${index + 1} names ${name}: ${line.trim().slice(0, 120)}`);
    }
  });
  return hits;
}

/** Pointers in `text` that lead nowhere: a docs page that does not exist, or a heading it lacks. */
function brokenPointers(path: string, text: string, pages: ReadonlyMap<string, Set<string>>): string[] {
  const broken: string[] = [];
  const check = (where: string, page: string, anchor: string | undefined) => {
    const anchors = pages.get(page);
    if (anchors === undefined) broken.push(`${where}: ${page} does not exist`);
    else if (anchor !== undefined && !anchors.has(anchor)) broken.push(`${where}: ${page} has no heading #${anchor}`);
  };
  text.split('\n').forEach((line, index) => {
    const where = `${path}:${index + 1}`;
    for (const match of line.matchAll(DOCS_POINTER)) check(where, `docs/${match[1]}.md`, match[2]);
    if (!path.endsWith('.md')) return;
    for (const match of line.matchAll(RELATIVE_LINK)) {
      if (match[1] === undefined && match[2] === undefined) continue;
      const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
      check(where, match[1] === undefined ? path : `${folder}${match[1]}.md`, match[2]);
    }
  });
  return broken;
}

describe('the repository stands alone', () => {
  const files = trackedFiles();
  const texts = new Map<string, string>();
  for (const path of files) {
    const text = textOf(path);
    if (text !== undefined) texts.set(path, text);
  }
  const pages = new Map<string, Set<string>>();
  for (const [path, text] of texts) if (path.endsWith('.md')) pages.set(path, anchorsOf(text));

  it('holds its contract in docs/', () => {
    for (const page of ['docs/architecture.md', 'docs/mapping.md', 'docs/hubspot.md']) expect(pages.has(page), page).toBe(true);
    expect(files.length).toBeGreaterThan(100);
  });

  it('names no document outside the repository, in any tracked file', () => {
    const hits = [...texts].flatMap(([path, text]) => outsideReferences(path, text));
    expect(hits).toEqual([]);
  });

  it('points only at docs pages and headings that exist', () => {
    const broken = [...texts].flatMap(([path, text]) => brokenPointers(path, text, pages));
    expect(broken).toEqual([]);
    // The pointers are many: a check that found none would prove nothing.
    const pointers = [...texts.values()].reduce((sum, text) => sum + [...text.matchAll(DOCS_POINTER)].length, 0);
    expect(pointers).toBeGreaterThan(50);
  });

  it('catches what it is there to catch', () => {
    const spec = ['S', 'PEC'].join('');
    expect(outsideReferences('src/x.ts', `// see (${spec} 3.8)`)).toHaveLength(1);
    expect(outsideReferences('src/x.ts', `// see ${['hubspot', 'api.md'].join('-')} §4`)).toHaveLength(1);
    expect(outsideReferences('README.md', `[spec](${['..', 'shared'].join('/')}/x.md)`)).toHaveLength(1);
    expect(outsideReferences('src/x.ts', `options: ['PRO${spec}T', 'PARTNER']; const ${spec}IFIERS = [];`)).toEqual([]);
    // Built from parts too: written out, the broken ones would be this file's own.
    const page = (name: string) => ['docs', name].join('/');
    const docs = new Map([[page('mapping.md'), new Set(['events'])]]);
    expect(brokenPointers('src/x.ts', `// (${page('mapping.md')}#events)`, docs)).toEqual([]);
    expect(brokenPointers('src/x.ts', `// (${page('mapping.md')}#nowhere)`, docs)).toHaveLength(1);
    expect(brokenPointers('src/x.ts', `// (${page('missing.md')})`, docs)).toHaveLength(1);
    expect(brokenPointers(page('mapping.md'), '[x](mapping.md#nowhere) [y](#events) [z](#nowhere)', docs)).toHaveLength(2);
    expect(headingAnchor('Delivery, rate limits and choosing `--rate`')).toBe('delivery-rate-limits-and-choosing---rate');
    expect(headingAnchor('The S3 (Actions) CSV dialect')).toBe('the-s3-actions-csv-dialect');
  });
});
