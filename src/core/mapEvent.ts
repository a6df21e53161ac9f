// One Segment call → HubSpot operations (docs/mapping.md). Pure: the caller supplies the
// catalog, the identity map's current view and the options, and applies `learn`.

import { callType, checkCall } from './checkCall.js';
import { mapAlias } from './mapAlias.js';
import { mapGroup } from './mapGroup.js';
import { mapIdentify } from './mapIdentify.js';
import { pageAsTrack } from './mapPage.js';
import { mapTrack } from './mapTrack.js';
import { deadLettered, skipped } from './result.js';
import type { MapContext, MapResult, SegmentCall } from './types.js';

export function mapEvent(call: SegmentCall, context: MapContext): MapResult {
  // The library's entry: a call from anywhere is checked first.
  const invalid = checkCall(call);
  if (invalid !== undefined) return deadLettered(invalid.code, invalid.reason);
  return mapValidCall(call, context);
}

/** `mapEvent` for a call that has passed `checkCall` (the record mapper's path: checked once). */
export function mapValidCall(call: SegmentCall, context: MapContext): MapResult {
  switch (callType(call)) {
    case 'identify':
      return mapIdentify(call, context);
    case 'track':
      return mapTrack(call, context);
    case 'group':
      return mapGroup(call, context);
    case 'page':
      // HubSpot has no server-side page-view API; a page can only become an event.
      return context.options.pagesAsEvents ? mapTrack(pageAsTrack(call), context, call) : skipped('unsupported_type');
    case 'screen':
      return skipped('unsupported_type');
    case 'alias':
      return mapAlias(call, context);
  }
}
