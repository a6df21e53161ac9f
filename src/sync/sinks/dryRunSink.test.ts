import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../report/lineWriter.js';
import { dryRunSink } from './dryRunSink.js';
import type { MappedRecord } from '../loop/recordMapper.js';

const at = (file: string, line: number) => ({ file, line, offset: 0, endLine: line + 1, endOffset: 1 });

describe('dryRunSink (docs/architecture.md#outputs: one operation per line, with its source)', () => {
  it('writes each operation exactly as the documented dry-run output, source last, the event typing hint left out', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const sink = dryRunSink(LineWriter.toStream(stream));
    const records: MappedRecord[] = [
      {
        position: at('events.ndjson', 1),
        warnings: [],
        operations: [
          { op: 'contact.upsert', email: 'peter@initech.com', properties: { firstname: 'Peter' } },
          { op: 'company.upsert', domain: 'initech.com', properties: { name: 'Initech' } },
          { op: 'association', email: 'peter@initech.com', domain: 'initech.com' },
        ],
      },
      {
        position: at('exports/"odd" name.ndjson', 7),
        warnings: [],
        operations: [
          { op: 'event.send', eventName: 'pe1_signed_up', email: 'a@b.co', occurredAt: '2026-03-05T04:30:00.000Z', properties: { plan: 'pro' }, uuid: 'u-1', propertyTypes: {} },
          { op: 'event.send', eventName: 'pe1_signed_up', email: 'a@b.co', properties: {}, uuid: 'u-2', propertyTypes: {} },
        ],
      },
    ];
    let settled = 0;
    for (const record of records) await sink.accept(record, () => settled++);
    await sink.drain();
    expect(settled).toBe(2);
    expect(text.split('\n')).toEqual([
      '{"op":"contact.upsert","email":"peter@initech.com","properties":{"firstname":"Peter"},"source":{"file":"events.ndjson","line":1}}',
      '{"op":"company.upsert","domain":"initech.com","properties":{"name":"Initech"},"source":{"file":"events.ndjson","line":1}}',
      '{"op":"association","email":"peter@initech.com","domain":"initech.com","source":{"file":"events.ndjson","line":1}}',
      '{"op":"event.send","eventName":"pe1_signed_up","email":"a@b.co","occurredAt":"2026-03-05T04:30:00.000Z","properties":{"plan":"pro"},"uuid":"u-1","source":{"file":"exports/\\"odd\\" name.ndjson","line":7}}',
      '{"op":"event.send","eventName":"pe1_signed_up","email":"a@b.co","properties":{},"uuid":"u-2","source":{"file":"exports/\\"odd\\" name.ndjson","line":7}}',
      '',
    ]);
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
