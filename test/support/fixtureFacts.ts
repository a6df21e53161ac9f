// What fixtures/events.ndjson is known to produce (see fixtures/README.md, line by line).

/** Dead letters the mapping gives it, as [code, line], in input order. */
export const EVENTS_MAPPING_DEAD_LETTERS: ReadonlyArray<[string, number]> = [
  ['INVALID_WEBSITE', 10],
  ['INVALID_JSON', 15],
  ['INVALID_RECORD', 16],
  ['INVALID_RECORD', 17],
  ['INVALID_RECORD', 18],
  ['INVALID_EMAIL', 22],
];
