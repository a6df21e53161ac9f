// page → the event page_viewed, with --pages-as-events (docs/mapping.md#page-and-screen).

import { own, ownRecord } from './json.js';
import type { SegmentCall } from './types.js';

export const PAGE_VIEWED = 'page_viewed';
const PAGE_PROPERTIES = ['path', 'url', 'title', 'referrer', 'search'] as const;

/**
 * The track call a page stands for: event page_viewed, properties name (the page's
 * `name`, else `properties.name`), path, url, title, referrer and search; the page's
 * `properties.email` still identifies the contact. Everything else is the page's own.
 */
export function pageAsTrack(page: SegmentCall): SegmentCall {
  const source = ownRecord(page, 'properties');
  const properties: Record<string, unknown> = {};
  const name = own(page, 'name') ?? own(source, 'name');
  if (name !== undefined) properties.name = name;
  for (const key of PAGE_PROPERTIES) {
    const value = own(source, key);
    if (value !== undefined) properties[key] = value;
  }
  const email = own(source, 'email');
  if (email !== undefined) properties.email = email;
  return { ...page, type: 'track', event: PAGE_VIEWED, properties };
}
