// HubSpot's error envelope (docs/hubspot.md#errors) and the JSON body parser.

export type BodyBuilder = (correlationId: string) => Record<string, unknown>;

/** Thrown by handlers; the server renders it with the request's correlation id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly build: BodyBuilder,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HubSpot emulator error ${status}`);
  }
}

/** The standard envelope: status, message, correlationId, extra fields, category. */
export function envelope(status: number, category: string, message: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(status, (correlationId) => ({ status: 'error', message, correlationId, ...extra, category }));
}

export const validationError = (message: string, extra: Record<string, unknown> = {}): ApiError =>
  envelope(400, 'VALIDATION_ERROR', message, extra);

export const notFoundError = (message: string, extra: Record<string, unknown> = {}): ApiError =>
  envelope(404, 'OBJECT_NOT_FOUND', message, extra);

export const conflictError = (message: string, extra: Record<string, unknown> = {}): ApiError =>
  envelope(409, 'CONFLICT', message, extra);

/** An item of `errors[]` in a 207 response: itself an envelope, without a correlation id. */
export function batchError(category: string, message: string, context: Record<string, unknown[]>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'error', category, message, context, ...extra };
}

// ---- helpers for reading untrusted JSON ----

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Ids and similar scalars: HubSpot's Java models coerce JSON numbers to strings. */
export function asIdString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

// ---- JSON body parsing with Jackson-like messages ----

class JsonSyntaxError extends Error {
  constructor(readonly pos: number, readonly detail: string) {
    super(detail);
  }
}

/** Parse a request body; malformed JSON is HubSpot's 400 "Invalid input JSON on line L, column C: …". */
export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') {
    throw validationError('Invalid input JSON on line 1, column 0: No content to map due to end-of-input');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    const { pos, detail } = locateJsonError(raw);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < pos && i < raw.length; i++) {
      if (raw[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    throw validationError(`Invalid input JSON on line ${line}, column ${pos - lineStart + 1}: ${detail}`);
  }
}

/** Find where (and why) a JSON text is invalid: a strict recursive-descent scan. */
export function locateJsonError(s: string): { pos: number; detail: string } {
  let i = 0;
  const describe = (ch: string): string => `'${ch}' (code ${ch.charCodeAt(0)})`;
  const fail = (expected: string): never => {
    if (i >= s.length) throw new JsonSyntaxError(s.length, `Unexpected end-of-input: ${expected}`);
    throw new JsonSyntaxError(i, `Unexpected character (${describe(s[i] as string)}): ${expected}`);
  };
  const ws = (): void => {
    while (i < s.length && ' \t\n\r'.includes(s[i] as string)) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (s[i] !== ch) fail(`expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`);
      i++;
    }
  };
  const digits = (): number => {
    const start = i;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    return i - start;
  };
  const number = (): void => {
    if (s[i] === '-') i++;
    if (s[i] === '0') i++;
    else if (digits() === 0) fail('expected digit (0-9) to follow minus sign, for valid numeric value');
    if (s[i] === '.') {
      i++;
      if (digits() === 0) fail('Decimal point not followed by a digit');
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (digits() === 0) fail('Exponent indicator not followed by a digit');
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= s.length) fail('expected close marker for String');
      const ch = s[i] as string;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch.charCodeAt(0) < 0x20) fail('Illegal unquoted character: has to be escaped using backslash to be included in string value');
      if (ch === '\\') {
        i++;
        const esc = s[i];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) fail('expected a hex-digit for character escape sequence');
          i += 5;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) {
          i++;
        } else {
          fail('Unrecognized character escape');
        }
        continue;
      }
      i++;
    }
  };
  const value = (): void => {
    ws();
    const ch = s[i];
    if (ch === '{') object();
    else if (ch === '[') array();
    else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
    else fail(`expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`);
  };
  const object = (): void => {
    i++;
    ws();
    if (s[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (s[i] !== '"') fail('was expecting double-quote to start field name');
      string();
      ws();
      if (s[i] !== ':') fail(`was expecting a colon to separate field name and value`);
      i++;
      value();
      ws();
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '}') {
        i++;
        return;
      }
      fail(`was expecting comma to separate Object entries`);
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (s[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === ']') {
        i++;
        return;
      }
      fail(`was expecting comma to separate Array entries`);
    }
  };
  try {
    value();
    ws();
    if (i < s.length) fail('expected end-of-input');
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { pos: e.pos, detail: e.detail };
    throw e;
  }
  return { pos: s.length, detail: 'Unexpected end-of-input' };
}
