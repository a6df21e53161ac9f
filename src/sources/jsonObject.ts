import type { SegmentCall } from '../core/types.js';

/** Whether a parsed JSON value is an object (not an array, not null): what a call must be. */
export function isJsonObject(value: unknown): value is SegmentCall {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
