// The duplicate window of a dry run or a diff (see state/duplicateWindow.ts), in memory:
// remembering every id of a billion-event backfill would not fit, so it keeps an exact
// window of the last `capacity` marks in a fixed amount of memory: any id among the last
// `capacity` seen is always remembered, and a duplicate farther back is sent again.
//
// Why not a Set of strings: each id would be its own heap string (~64 bytes for a
// 40-character id) plus a table entry, and "at least the last N" with Sets takes two
// generations, so up to 2N ids: ~170 MB of live heap at N = 1,000,000, which V8 then
// pads to ~3× in resident memory. Here nothing lives on the JavaScript heap: a hash,
// offset and length per mark in typed arrays and an open-addressing index of two cells
// per mark (20 MB for 1,000,000 marks), the ids' bytes of the block being filled in a
// buffer, and those of closed blocks in a temporary file (idBlocks.ts), read back only
// to confirm a hash match.

import { hash53, type DuplicateWindow } from '../../state/duplicateWindow.js';
import { openIdBlocks, type IdBlocks } from './idBlocks.js';

const MAX_BLOCK = 4096;
/** Length flag: the id holds a surrogate and is stored as UTF-16 (see `encode`). */
const UTF16 = 0x8000_0000;
const SURROGATE = /[\ud800-\udfff]/;

export class MemoryDuplicateWindow implements DuplicateWindow {
  /** Marks per block; the ring holds a whole number of blocks. */
  private readonly block: number;
  private readonly slots: number;
  /** Per ring slot: the id's hash, and its offset, byte length (| UTF16) inside its block's bytes. */
  private readonly hashes: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly lengths: Uint32Array;
  /** The bytes of each closed block's ids. */
  private readonly blocks: IdBlocks;
  /** The block being filled: its new ids' bytes (its other slots still point into the old ones). */
  private openBlock = 0;
  private open = Buffer.allocUnsafeSlow(MAX_BLOCK * 64);
  private openLength = 0;
  /** Open addressing with linear probing: ring slot + 1 of each mark, 0 for an empty cell. */
  private readonly index: Int32Array;
  private readonly mask: number;
  /** Marks made so far; mark `m` lives in ring slot `m % slots`. */
  private marks = 0;

  constructor(capacity = 1_000_000) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.block = Math.min(MAX_BLOCK, capacity);
    this.slots = Math.ceil(capacity / this.block) * this.block;
    this.hashes = new Uint32Array(this.slots);
    this.offsets = new Uint32Array(this.slots);
    this.lengths = new Uint32Array(this.slots);
    this.blocks = openIdBlocks(this.slots / this.block);
    let cells = 2;
    while (cells < this.slots * 2) cells *= 2; // load factor ≤ 0.5
    this.index = new Int32Array(cells);
    this.mask = cells - 1;
  }

  /** Marks `id` as seen; true when it had been seen already (a duplicate). A dry run never resumes: positions play no part. */
  checkAndMark(id: string): boolean {
    const hash = hash53(id) >>> 0;
    const slot = this.marks % this.slots;
    // The id is written where it will stay, then compared in place with its candidates.
    const offset = this.openLength;
    const length = this.encode(id);
    const seen = this.find(hash, length, offset);
    if (this.marks >= this.slots) this.unindex(slot); // the oldest mark leaves the window
    this.hashes[slot] = hash;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    let cell = hash & this.mask;
    while (this.index[cell] !== 0) cell = (cell + 1) & this.mask;
    this.index[cell] = slot + 1;
    this.marks++;
    if ((slot + 1) % this.block === 0) this.closeBlock();
    return seen;
  }

  /** Marks in the window (an id marked twice counts twice). */
  get size(): number {
    return Math.min(this.marks, this.slots);
  }

  /** Removes the temporary file. */
  close(): void {
    this.blocks.close();
  }

  /**
   * Appends the id's bytes to the open block; returns their length, flagged UTF16 when
   * they are UTF-16. UTF-8 would turn two different lone surrogates into the same
   * replacement character, and two different ids must never compare equal; the choice
   * depends on the id alone, so equal ids always have equal bytes.
   */
  private encode(id: string): number {
    const wellFormed = !SURROGATE.test(id);
    const most = wellFormed ? id.length * 3 : id.length * 2;
    if (this.openLength + most > this.open.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.open.length * 2, this.openLength + most));
      this.open.copy(grown, 0, 0, this.openLength);
      this.open = grown;
    }
    const written = this.open.write(id, this.openLength, wellFormed ? 'utf8' : 'utf16le');
    this.openLength += written;
    return wellFormed ? written : (written | UTF16) >>> 0;
  }

  private find(hash: number, length: number, offset: number): boolean {
    const end = offset + (length & ~UTF16);
    for (let cell = hash & this.mask; ; cell = (cell + 1) & this.mask) {
      const entry = this.index[cell] as number;
      if (entry === 0) return false;
      const slot = entry - 1;
      if (this.hashes[slot] === hash && this.lengths[slot] === length && this.bytesOf(slot).equals(this.open.subarray(offset, end))) return true;
    }
  }

  private bytesOf(slot: number): Buffer {
    const blockOf = Math.floor(slot / this.block);
    const offset = this.offsets[slot] as number;
    const length = (this.lengths[slot] as number) & ~UTF16;
    // In the open block, slots before the current mark hold new ids; the rest, old ones.
    if (blockOf === this.openBlock && slot < this.marks % this.slots) return this.open.subarray(offset, offset + length);
    return this.blocks.read(blockOf, offset, length);
  }

  /** The open block is full: its bytes move out of memory. */
  private closeBlock(): void {
    this.blocks.write(this.openBlock, this.open, this.openLength);
    this.openBlock = (this.openBlock + 1) % (this.slots / this.block);
    this.openLength = 0;
  }

  /** Removes ring slot `slot` from the index; backward-shift deletion keeps every probe chain whole. */
  private unindex(slot: number): void {
    let hole = (this.hashes[slot] as number) & this.mask;
    while (this.index[hole] !== slot + 1) hole = (hole + 1) & this.mask;
    for (let next = (hole + 1) & this.mask; this.index[next] !== 0; next = (next + 1) & this.mask) {
      const home = (this.hashes[(this.index[next] as number) - 1] as number) & this.mask;
      // An entry may move back into the hole unless its home lies in (hole, next].
      if (((next - home) & this.mask) >= ((next - hole) & this.mask)) {
        this.index[hole] = this.index[next] as number;
        hole = next;
      }
    }
    this.index[hole] = 0;
  }
}
