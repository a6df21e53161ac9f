// A read-only set of strings for suppression lists of millions of entries. A Set<string>
// of 1,000,000 emails costs ~80–100 MB of heap (a heap string and a table entry each).
// Here each entry is 8 bytes in one sorted typed array (its 32-bit hash, and where its
// text starts) plus its text, length-prefixed, in one buffer (bench/RESULTS.md has the
// measured figures). A hash only finds candidates: membership is always confirmed
// against the entry's text, so the set answers exactly as a Set would. Each entry carries
// a tag (0 or 1), so that one set holds two kinds of entries (emails and ids) in one
// buffer: `has(x, 1)` never finds an entry added with tag 0.

/** Start flag: the entry holds a surrogate and is stored as UTF-16 (see `add`). */
const UTF16 = 0x8000_0000;
/** Start flag: the entry's tag is 1. */
const TAG = 0x4000_0000;
const FLAGS = UTF16 | TAG;
/** Offsets have 30 bits (the top two are flags). */
const MAX_BYTES = 0x3fff_ffff;
const SURROGATE = /[\ud800-\udfff]/;
const INITIAL_BYTES = 64 * 1024;
const INITIAL_ENTRIES = 4096;
/** A first-level index on the hashes' top 16 bits: a lookup's binary search stays within a few cache lines. */
const BUCKET_BITS = 16;

export type Tag = 0 | 1;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Where a pair's hash and start sit in the Uint32Array view of a BigUint64Array: the hash is the high half. */
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

export class CompactStringSet {
  /** Use CompactStringSet.of or a CompactStringSetBuilder. */
  constructor(
    /** Per entry, in ascending hash order: [start | flags, hash] as the halves of one 64-bit integer. */
    private readonly pairs: Uint32Array,
    /** The entries' text, each after its length (LEB128). */
    private readonly bytes: Buffer,
    /** buckets[b] is the first entry whose hash's top bits are ≥ b. */
    private readonly buckets: Uint32Array,
    /** Distinct entries of each tag. */
    readonly sizes: readonly [number, number],
  ) {}

  static of(values: Iterable<string>, tag: Tag = 0): CompactStringSet {
    const builder = new CompactStringSetBuilder();
    for (const value of values) builder.add(value, tag);
    return builder.build();
  }

  /** Distinct entries, of both tags. */
  get size(): number {
    return this.sizes[0] + this.sizes[1];
  }

  has(value: string, tag: Tag = 0): boolean {
    const hash = hashString(value, tag);
    const { pairs } = this;
    const bucket = hash >>> (32 - BUCKET_BITS);
    let low = this.buckets[bucket] as number;
    let high = this.buckets[bucket + 1] as number;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((pairs[2 * mid + HI] as number) < hash) low = mid + 1;
      else high = mid;
    }
    // Candidates are rare (a real member, or one chance in ~4 billion per entry): only
    // they are decoded and compared whole.
    const end = this.size;
    for (let i = low; i < end && pairs[2 * i + HI] === hash; i++) {
      const start = pairs[2 * i + LO] as number;
      if (((start & TAG) !== 0) !== (tag === 1)) continue;
      if (textAt(this.bytes, start) === value) return true;
    }
    return false;
  }
}

/**
 * Collects entries, then sorts them once. Text that is plain ASCII (most of a suppression
 * file) can be added straight from the bytes read, without becoming a JavaScript string.
 */
export class CompactStringSetBuilder {
  private bytes: Buffer;
  private length = 0;
  private count = 0;
  private packed = new BigUint64Array(INITIAL_ENTRIES);
  private pairs = new Uint32Array(this.packed.buffer);

  /** `expectedBytes`: the text to come, when known (a file's size), so the buffer is allocated once. */
  constructor(expectedBytes = INITIAL_BYTES) {
    this.bytes = Buffer.allocUnsafeSlow(Math.min(Math.max(expectedBytes, 16), MAX_BYTES));
  }

  add(value: string, tag: Tag = 0): void {
    // UTF-8 would turn two different lone surrogates into the same replacement character;
    // the choice depends on the text alone, so equal entries always have equal bytes.
    const wellFormed = !SURROGATE.test(value);
    const size = wellFormed ? Buffer.byteLength(value, 'utf8') : value.length * 2;
    const start = this.reserve(size);
    this.bytes.write(value, this.length, wellFormed ? 'utf8' : 'utf16le');
    this.length += size;
    this.push(hashString(value, tag), start | (wellFormed ? 0 : UTF16) | (tag === 1 ? TAG : 0));
  }

  /**
   * Adds the ASCII text `buf[start, end)` (no byte above 0x7f: the caller checks),
   * lowercased when `lowercase` is set, exactly as `add(text)` or `add(text.toLowerCase())`.
   */
  addAscii(buf: Buffer, start: number, end: number, lowercase: boolean, tag: Tag = 0): void {
    const at = this.reserve(end - start);
    const { bytes } = this;
    let h = tag === 1 ? FNV_OFFSET_1 : FNV_OFFSET;
    for (let i = start, j = this.length; i < end; i++, j++) {
      let byte = buf[i] as number;
      if (lowercase && byte >= 0x41 && byte <= 0x5a) byte += 0x20;
      bytes[j] = byte;
      h = Math.imul(h ^ byte, FNV_PRIME);
    }
    this.length += end - start;
    this.push(finish(h), at | (tag === 1 ? TAG : 0));
  }

  /** The set; the builder is spent. */
  build(): CompactStringSet {
    const n = this.count;
    // Sorted by hash (then start) at native speed, in place.
    const packed = this.packed.subarray(0, n).sort();
    const pairs = new Uint32Array(packed.buffer);
    // Repeated entries sit together among equal hashes: keep the first of each.
    const sizes: [number, number] = [0, 0];
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const hash = pairs[2 * k + HI] as number;
      const start = pairs[2 * k + LO] as number;
      if (this.isRepeat(pairs, kept, hash, start)) continue;
      pairs[2 * kept + HI] = hash;
      pairs[2 * kept + LO] = start;
      sizes[start & TAG ? 1 : 0]++;
      kept++;
    }
    const buckets = new Uint32Array((1 << BUCKET_BITS) + 1);
    let k = 0;
    for (let b = 0; b <= 1 << BUCKET_BITS; b++) {
      while (k < kept && (pairs[2 * k + HI] as number) >>> (32 - BUCKET_BITS) < b) k++;
      buckets[b] = k;
    }
    // The buffer is kept as it is unless much of it is unused (it was sized from a guess).
    const bytes = this.length >= this.bytes.length * 0.875 ? this.bytes.subarray(0, this.length) : Buffer.from(this.bytes.subarray(0, this.length));
    this.bytes = Buffer.alloc(0);
    this.packed = new BigUint64Array(0);
    this.pairs = new Uint32Array(0);
    const used = pairs.subarray(0, 2 * kept);
    return new CompactStringSet(kept >= pairs.length / 2 * 0.875 ? used : used.slice(), bytes, buckets, sizes);
  }

  /** Whether the entry equals one already kept with the same hash (they sit just before it). */
  private isRepeat(pairs: Uint32Array, kept: number, hash: number, start: number): boolean {
    for (let k = kept - 1; k >= 0 && pairs[2 * k + HI] === hash; k--) {
      const other = pairs[2 * k + LO] as number;
      if ((other & FLAGS) !== (start & FLAGS)) continue;
      const [from, to] = textRange(this.bytes, other);
      const [ownFrom, ownTo] = textRange(this.bytes, start);
      if (this.bytes.compare(this.bytes, from, to, ownFrom, ownTo) === 0) return true;
    }
    return false;
  }

  /** Makes room for an entry of `size` bytes, writes its length; returns where the entry starts. */
  private reserve(size: number): number {
    const needed = this.length + 5 + size;
    if (needed > this.bytes.length) {
      if (needed > MAX_BYTES) throw new RangeError('A suppression list holds at most 1 GiB of text');
      const grown = Buffer.allocUnsafeSlow(Math.min(Math.max(this.bytes.length * 2, needed), MAX_BYTES));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    if (this.count === this.packed.length) {
      const grown = new BigUint64Array(this.packed.length * 2);
      grown.set(this.packed);
      this.packed = grown;
      this.pairs = new Uint32Array(grown.buffer);
    }
    const start = this.length;
    let rest = size;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.bytes[this.length++] = rest;
    return start;
  }

  private push(hash: number, start: number): void {
    this.pairs[2 * this.count + HI] = hash;
    this.pairs[2 * this.count + LO] = start >>> 0;
    this.count++;
  }
}

/** [from, to) of the text of the entry at `start` (flags included), after its length. */
function textRange(bytes: Buffer, start: number): [number, number] {
  let at = start & MAX_BYTES;
  let size = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++] as number;
    size += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  return [at, at + size];
}

function textAt(bytes: Buffer, start: number): string {
  const [from, to] = textRange(bytes, start);
  return bytes.toString(start & UTF16 ? 'utf16le' : 'utf8', from, to);
}

const FNV_OFFSET = 0x811c9dc5;
/** Another start for tag 1, so that the same text of either tag hashes apart. */
const FNV_OFFSET_1 = 0x050c5d1f;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units (for ASCII text these are its bytes), then mixed. */
export function hashString(value: string, tag: Tag = 0): number {
  let h = tag === 1 ? FNV_OFFSET_1 : FNV_OFFSET;
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
