// A read-only set of strings for suppression lists of millions of entries. A Set<string>
// of 1,000,000 emails costs ~80–100 MB of heap (a heap string and a table entry each);
// here the entries' bytes sit in one buffer, and a sorted array of 32-bit hashes with the
// entry each belongs to finds candidates by binary search: ~12 bytes per entry beside the
// text itself (bench/RESULTS.md has the measured figures). A hash only finds candidates:
// membership is always confirmed against the entry's text, so the set answers exactly as
// a Set would.

/** Length flag: the entry holds a surrogate and is stored as UTF-16 (see `encode`). */
const UTF16 = 0x8000_0000;
const SURROGATE = /[\ud800-\udfff]/;
const INITIAL_BYTES = 64 * 1024;
const INITIAL_ENTRIES = 4096;
/** Offsets are 31-bit (the top bit is the UTF-16 flag). */
const MAX_BYTES = 0x7fff_ffff;

export class CompactStringSet {
  /** Use CompactStringSet.of or a CompactStringSetBuilder. */
  constructor(
    /** Hashes in ascending order. */
    private readonly hashes: Uint32Array,
    /** For each hash, its entry's start (| UTF16) in `bytes`; the entry ends where `ends` says. */
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly bytes: Buffer,
  ) {}

  static of(values: Iterable<string>): CompactStringSet {
    const builder = new CompactStringSetBuilder();
    for (const value of values) builder.add(value);
    return builder.build();
  }

  /** Distinct entries. */
  get size(): number {
    return this.hashes.length;
  }

  has(value: string): boolean {
    const hash = hashString(value);
    const { hashes } = this;
    let low = 0;
    let high = hashes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((hashes[mid] as number) < hash) low = mid + 1;
      else high = mid;
    }
    // Candidates are rare (a real member, or one chance in ~4 billion per entry): only
    // they are decoded and compared whole.
    for (let i = low; i < hashes.length && hashes[i] === hash; i++) {
      if (this.entry(i) === value) return true;
    }
    return false;
  }

  private entry(i: number): string {
    const start = this.starts[i] as number;
    const from = start & ~UTF16;
    return this.bytes.toString(start & UTF16 ? 'utf16le' : 'utf8', from, this.ends[i]);
  }
}

/**
 * Collects entries, then sorts them once. Text that is plain ASCII (most of a suppression
 * file) can be added straight from the bytes read, without becoming a JavaScript string.
 */
export class CompactStringSetBuilder {
  private bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private length = 0;
  private count = 0;
  private hashes: Uint32Array = new Uint32Array(INITIAL_ENTRIES);
  private starts: Uint32Array = new Uint32Array(INITIAL_ENTRIES);
  private ends: Uint32Array = new Uint32Array(INITIAL_ENTRIES);

  /** Entries added so far, duplicates included. */
  get added(): number {
    return this.count;
  }

  add(value: string): void {
    const wellFormed = !SURROGATE.test(value);
    // UTF-8 would turn two different lone surrogates into the same replacement character;
    // the choice depends on the text alone, so equal entries always have equal bytes.
    this.reserve(wellFormed ? value.length * 3 : value.length * 2);
    const start = this.length;
    this.length += this.bytes.write(value, start, wellFormed ? 'utf8' : 'utf16le');
    this.push(hashString(value), wellFormed ? start : (start | UTF16) >>> 0, this.length);
  }

  /**
   * Adds the ASCII text `buf[start, end)` (no byte above 0x7f: the caller checks),
   * lowercased when `lowercase` is set, exactly as `add(text)` or `add(text.toLowerCase())`.
   */
  addAscii(buf: Buffer, start: number, end: number, lowercase: boolean): void {
    this.reserve(end - start);
    const { bytes } = this;
    const at = this.length;
    let h = FNV_OFFSET;
    for (let i = start, j = at; i < end; i++, j++) {
      let byte = buf[i] as number;
      if (lowercase && byte >= 0x41 && byte <= 0x5a) byte += 0x20;
      bytes[j] = byte;
      h = Math.imul(h ^ byte, FNV_PRIME);
    }
    this.length += end - start;
    this.push(finish(h), at, this.length);
  }

  /** The set; the builder is spent. */
  build(): CompactStringSet {
    const n = this.count;
    // Sorted by (hash, entry number) at native speed: each pair packed into one 64-bit
    // integer, the hash in the high half.
    const packed = new BigUint64Array(n);
    const halves = new Uint32Array(packed.buffer);
    const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
    for (let i = 0; i < n; i++) {
      halves[2 * i + lo] = i;
      halves[2 * i + hi] = this.hashes[i] as number;
    }
    packed.sort();

    const hashes = new Uint32Array(n);
    const starts = new Uint32Array(n);
    const ends = new Uint32Array(n);
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const entry = halves[2 * k + lo] as number;
      const hash = halves[2 * k + hi] as number;
      if (this.isRepeat(hash, entry, hashes, starts, ends, kept)) continue;
      hashes[kept] = hash;
      starts[kept] = this.starts[entry] as number;
      ends[kept] = this.ends[entry] as number;
      kept++;
    }
    const bytes = Buffer.allocUnsafeSlow(this.length);
    this.bytes.copy(bytes, 0, 0, this.length);
    this.bytes = Buffer.alloc(0);
    this.hashes = this.starts = this.ends = new Uint32Array(0);
    const trim = (array: Uint32Array) => (kept === n ? array : array.slice(0, kept));
    return new CompactStringSet(trim(hashes), trim(starts), trim(ends), bytes);
  }

  /** Whether `entry` equals one already kept with the same hash (they sit just before it). */
  private isRepeat(hash: number, entry: number, hashes: Uint32Array, starts: Uint32Array, ends: Uint32Array, kept: number): boolean {
    const start = this.starts[entry] as number;
    const end = this.ends[entry] as number;
    for (let k = kept - 1; k >= 0 && hashes[k] === hash; k--) {
      const other = starts[k] as number;
      if (other === start && ends[k] === end) return true;
      if ((other & UTF16) !== (start & UTF16)) continue;
      if (this.bytes.compare(this.bytes, other & ~UTF16, ends[k], start & ~UTF16, end) === 0) return true;
    }
    return false;
  }

  private reserve(extra: number): void {
    if (this.length + extra > this.bytes.length) {
      const size = Math.max(this.bytes.length * 2, this.length + extra);
      if (size > MAX_BYTES && this.length + extra > MAX_BYTES) throw new RangeError('A suppression list holds at most 2 GiB of text');
      const grown = Buffer.allocUnsafeSlow(Math.min(size, MAX_BYTES));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    if (this.count === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
  }

  private push(hash: number, start: number, end: number): void {
    this.hashes[this.count] = hash;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units (for ASCII text these are its bytes), then mixed. */
export function hashString(value: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), FNV_PRIME);
  return finish(h);
}

/** Murmur3's finaliser: FNV's high bits alone are poorly mixed for short, similar texts. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function grow(array: Uint32Array): Uint32Array {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}
