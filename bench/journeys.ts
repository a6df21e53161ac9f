// `npx tsx bench/journeys.ts --people N --out FILE [--seed S]`: writes a journeys-shaped
// export (bench/lib/journeys.ts) as NDJSON, and FILE.suppress.txt, the deleted people's
// emails for `--suppress`.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { journeyCalls } from './lib/journeys.js';

const { values } = parseArgs({ options: { people: { type: 'string', default: '800' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } }, strict: true });
if (values.out === undefined) {
  process.stderr.write('Usage: npx tsx bench/journeys.ts --people N --out FILE [--seed S]\n');
  process.exit(2);
}
const journeys = journeyCalls({ people: Number(values.people), seed: Number(values.seed) });
await writeFile(values.out, journeys.calls.map((call) => JSON.stringify(call)).join('\n') + '\n');
await writeFile(`${values.out}.suppress.txt`, journeys.suppressed.join('\n') + '\n');
process.stdout.write(`${journeys.calls.length} calls, people ${JSON.stringify(journeys.people)} -> ${values.out}\n`);
