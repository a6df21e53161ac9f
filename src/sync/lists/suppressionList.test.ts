import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { tempDir } from '../../../test/support/cli.js';
import { readSuppressionFile, Suppression } from './suppressionList.js';

async function fileWith(content: string | Buffer): Promise<string> {
  const path = join(await tempDir(), 'suppress.txt');
  await writeFile(path, content);
  return path;
}

describe('readSuppressionFile', () => {
  it('reads emails (lowercased) and ids (exact), trimmed; skips blank lines and # comments', async () => {
    const path = await fileWith('\ufeff# people who asked to be forgotten\n  Gone@Initech.COM \r\nu-Gone\n\n   \n\t# indented comment\nanon-7f3a\r\n42\nlast@initech.com');
    const list = await readSuppressionFile(path);
    expect([list.emails.size, list.ids.size]).toEqual([2, 3]);
    expect(list.emails.has('gone@initech.com')).toBe(true);
    expect(list.emails.has('Gone@Initech.COM')).toBe(false);
    expect(list.emails.has('last@initech.com')).toBe(true);
    expect(list.ids.has('u-Gone')).toBe(true);
    expect(list.ids.has('u-gone')).toBe(false);
    expect(list.ids.has('anon-7f3a')).toBe(true);
    expect(list.ids.has('42')).toBe(true);
    expect(list.ids.has('# people who asked to be forgotten')).toBe(false);
  });

  it('reads text beyond ASCII with JavaScript\'s own trim and lowercase', async () => {
    const list = await readSuppressionFile(await fileWith('\u00a0ÉLODIE@Exämple.com\u2003\nÜser-1\n'));
    expect(list.emails.has('élodie@exämple.com')).toBe(true);
    expect(list.ids.has('Üser-1')).toBe(true);
  });

  it('joins lines that straddle the read chunks of a large file', async () => {
    const lines = Array.from({ length: 120_000 }, (_, i) => (i % 3 === 0 ? `User${i}@Example.com` : `anon-${i}-${'x'.repeat(i % 17)}`));
    const list = await readSuppressionFile(await fileWith(lines.join('\n')));
    expect(list.emails.size + list.ids.size).toBe(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const found = i % 3 === 0 ? list.emails.has(`user${i}@example.com`) : list.ids.has(lines[i]!);
      if (!found) throw new Error(`line ${i + 1} (${lines[i]}) was not read`);
    }
  });

  it('reads any file as a reference reading of its lines would', async () => {
    const line = fc.oneof(fc.string(), fc.emailAddress(), fc.constantFrom('', '  ', '# c', ' #x', '\t@\t', 'A@B'), fc.string({ unit: 'grapheme' }));
    await fc.assert(
      fc.asyncProperty(fc.array(line.filter((text) => !/[\r\n]/.test(text)), { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), async (lines, eol) => {
        const list = await readSuppressionFile(await fileWith(lines.join(eol)));
        const emails = new Set<string>();
        const ids = new Set<string>();
        for (const raw of lines) {
          const text = raw.trim();
          if (text === '' || text.startsWith('#')) continue;
          if (text.includes('@')) emails.add(text.toLowerCase());
          else ids.add(text);
        }
        expect(list.emails.size).toBe(emails.size);
        expect(list.ids.size).toBe(ids.size);
        for (const email of emails) expect(list.emails.has(email)).toBe(true);
        for (const id of ids) expect(list.ids.has(id)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a missing file or a directory is a usage error naming it', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'nope.txt');
    await expect(readSuppressionFile(missing)).rejects.toThrow(UsageError);
    await expect(readSuppressionFile(missing)).rejects.toThrow(`Cannot read the suppression list ${missing} (no such file)`);
    await mkdir(join(dir, 'folder'));
    await expect(readSuppressionFile(join(dir, 'folder'))).rejects.toThrow(UsageError);
  });
});

describe('Suppression', () => {
  const learnt = () => {
    const ids = new Set<string>();
    return { ids, has: (id: string) => ids.has(id), add: (id: string) => void ids.add(id), count: () => ids.size };
  };

  it('is off when there is no list and nothing learnt, on when either exists', async () => {
    expect(Suppression.forRun(undefined, learnt())).toBeUndefined();
    const some = learnt();
    some.add('anon-1');
    expect(Suppression.forRun(undefined, some)?.hasId('anon-1')).toBe(true);
    const list = await readSuppressionFile(await fileWith('gone@initech.com\n'));
    expect(Suppression.forRun(list, learnt())?.hasEmail('gone@initech.com')).toBe(true);
  });

  it('learns the ids of suppressed calls, listed ones too', async () => {
    const list = await readSuppressionFile(await fileWith('u-gone\n'));
    const store = learnt();
    const suppression = new Suppression(list, store);
    expect(suppression.hasId('anon-9')).toBe(false);
    suppression.suppressIds(['u-gone', 'anon-9']);
    expect(suppression.hasId('anon-9')).toBe(true);
    expect([...store.ids]).toEqual(['u-gone', 'anon-9']);
  });
});
