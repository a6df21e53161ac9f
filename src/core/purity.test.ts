// The core must stand alone (docs/architecture.md#the-pipeline): importable by any program, no I/O, no clock, no
// randomness. ESLint enforces this while editing; this test enforces it in CI too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const coreDir = new URL('./', import.meta.url);
const modules = readdirSync(coreDir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

/** Packages the core may use: pure computation only. */
const ALLOWED_PACKAGES = new Set(['uuid', 'node:crypto']);

const IMPORT_PATTERNS = [
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from '…', export * from '…'
  /\bimport\s*['"]([^'"]+)['"]/g, // import '…'
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…')
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

// Comment lines may quote imports (`import { mapEvent } from 'hubspot-sync'`); they are not code.
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*).*$/gm;

function specifiers(source: string): string[] {
  const code = source.replace(COMMENT_LINE, '');
  return IMPORT_PATTERNS.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] ?? ''));
}

describe('src/core imports nothing outside src/core', () => {
  it('has modules to check', () => {
    expect(modules).toContain('mapEvent.ts');
  });

  it.each(modules)('%s', (name) => {
    const source = readFileSync(new URL(name, coreDir), 'utf8');
    for (const specifier of specifiers(source)) {
      if (specifier.startsWith('.')) {
        expect(specifier, `${name} imports ${specifier}`).toMatch(/^\.\/[A-Za-z0-9_]+\.js$/);
        expect(existsSync(new URL(specifier.replace(/\.js$/, '.ts'), coreDir)), `${name} imports missing ${specifier}`).toBe(true);
      } else {
        expect(ALLOWED_PACKAGES.has(specifier), `${name} imports ${specifier}`).toBe(true);
      }
    }
  });

  it.each(modules)('%s reads no clock and no randomness', (name) => {
    const source = readFileSync(new URL(name, coreDir), 'utf8');
    expect(source).not.toMatch(/\bDate\.now\s*\(|\bMath\.random\s*\(|\bnew Date\(\s*\)|\bperformance\.now\s*\(|\bprocess\./);
  });

  it('src/index.ts exports the core only', () => {
    const source = readFileSync(new URL('../index.ts', coreDir), 'utf8');
    expect(specifiers(source)).toEqual(['./core/index.js']);
  });

  it('finds every kind of import specifier', () => {
    const source = `// import z from 'z';\nimport a from './a.js';\nimport type { B } from "../b.js";\nexport * from './c.js';\nimport 'd';\nconst e = await import('e');`;
    expect(specifiers(source).sort()).toEqual(
      ['../b.js', './a.js', './c.js', 'd', 'e'].sort(),
    );
  });
});
