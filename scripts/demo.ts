// `npm run demo`: the tool's main job on an embedded default. Starts the HubSpot stand-in,
// replays the fixtures into it with the built CLI (progress display, checkpoints, closing
// summary), prints what the stand-in now holds and the state directory's status, and
// shuts the stand-in down. Exits with the replay's exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type EmulatorSnapshot } from '../test/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'hubspot-sync.js');
const INPUTS = ['fixtures/events.ndjson', 'fixtures/same-events.ndjson.gz'];
/** Per request, so the progress display has something to show. */
const LATENCY_MS: [number, number] = [100, 200];

const bold = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${text}\u001b[22m` : text);

/** Runs the built CLI in the foreground, its output straight to this terminal. */
function hubspotSync(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: 'inherit' });
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

/** Columns padded to their widest cell; long values cut so a row stays on one line. */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, indent = '    '): string {
  const cut = (cell: string) => (cell.length > 28 ? `${cell.slice(0, 27)}…` : cell);
  const all = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  return all.map((row) => indent + row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

function describeHoldings(snapshot: EmulatorSnapshot, requests: { total: number; writes: number }): string {
  const value = (properties: Record<string, string>, name: string) => properties[name] ?? '—';
  const contacts = Object.entries(snapshot.contacts);
  const occurrences = new Map<string, number>();
  for (const event of snapshot.events) occurrences.set(event.eventName, (occurrences.get(event.eventName) ?? 0) + 1);
  const lines = [
    bold('What the HubSpot stand-in now holds'),
    '',
    `  Contacts (${contacts.length})`,
    table(
      ['email', 'firstname', 'lastname', 'company', 'lifecyclestage', 'city'],
      contacts.map(([email, p]) => [email, value(p, 'firstname'), value(p, 'lastname'), value(p, 'company'), value(p, 'lifecyclestage'), value(p, 'city')]),
    ),
    '',
    `  Companies (${snapshot.companies.length})`,
    table(['domain', 'name', 'city', 'numberofemployees'], snapshot.companies.map((p) => [value(p, 'domain'), value(p, 'name'), value(p, 'city'), value(p, 'numberofemployees')])),
    '',
    `  Associations (${snapshot.associations.length})`,
    ...snapshot.associations.map(([email, domain]) => `    ${email ?? '?'} → ${domain ?? '?'}`),
    '',
    `  Custom event occurrences (${snapshot.events.length}, ${snapshot.eventDefinitions.length} event definitions)`,
    table(['event', 'occurrences'], [...occurrences].map(([name, count]) => [name, String(count)])),
    '',
    `  It answered ${requests.total} requests, ${requests.writes} of which changed something.`,
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    process.stderr.write('The CLI is not built yet: run `npm run build` (npm ci does it) and try again.\n');
    return 1;
  }
  const emulator = await startEmulator({ faults: { latencyMs: LATENCY_MS } });
  const stateDir = join(await mkdtemp(join(tmpdir(), 'hubspot-sync-demo-')), 'state');

  // The CLI gets its settings from flags only: the caller's HUBSPOT_* variables would
  // point it elsewhere. Off a terminal the plain progress line comes every half second
  // rather than every 10 s, so the demo's log shows it too (the run lasts a second or two).
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('HUBSPOT_')) delete env[name];
  if (!process.stderr.isTTY) env.HUBSPOT_SYNC_PROGRESS_INTERVAL_MS = '500';

  // Ctrl-C reaches the CLI too: it finishes what is in flight, saves its checkpoint and
  // exits 130. The demo waits for that, then reports and shuts the stand-in down.
  const onSignal = () => {};
  process.on('SIGINT', onSignal);
  try {
    console.log(bold('hubspot-sync demo'));
    console.log(`  HubSpot stand-in: ${emulator.url} (portal ${emulator.portalId}, ${LATENCY_MS[0]}–${LATENCY_MS[1]} ms per request)`);
    console.log(`  State directory:  ${stateDir}`);
    console.log('');
    const replayArgs = ['replay', ...INPUTS, '--base-url', emulator.url, '--token', emulator.token, '--state-dir', stateDir];
    console.log(`$ hubspot-sync ${replayArgs.join(' ')}`);
    const code = await hubspotSync(replayArgs, env);
    console.log(`  (exit code ${code})`);
    console.log('');

    const stats = emulator.stats();
    console.log(describeHoldings(emulator.snapshot(), { total: stats.requests.total, writes: stats.writes }));
    console.log('');

    console.log(`$ hubspot-sync status --state-dir ${stateDir}`);
    await hubspotSync(['status', '--state-dir', stateDir], env);
    console.log('');
    console.log(`The checkpoint, the dead letters and the identity map stay in ${stateDir}.`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    await emulator.close();
  }
}

process.exitCode = await main();
