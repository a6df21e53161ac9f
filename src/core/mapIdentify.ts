// identify → one contact.upsert (docs/mapping.md#identify); the only call that teaches the identity map.

import { isFromCsv } from './cellValues.js';
import { contactProperties } from './contactProperties.js';
import { own } from './json.js';
import { IDENTIFY_EMAIL_SOURCES, invalidEmailReason, missingEmailHint, resolveEmail, segmentId } from './resolveEmail.js';
import { deadLettered, mapped } from './result.js';
import type { IdentityFact, MapContext, MapResult, MappingWarning, SegmentCall } from './types.js';

const LEARNED_IDS = ['userId', 'anonymousId'] as const;

export function mapIdentify(call: SegmentCall, context: MapContext): MapResult {
  const resolution = resolveEmail(call, IDENTIFY_EMAIL_SOURCES, context.identities, context.firstEmails);
  if (resolution.kind === 'invalid') return deadLettered('INVALID_EMAIL', invalidEmailReason(resolution));
  if (resolution.kind === 'missing') {
    return deadLettered('MISSING_EMAIL', `identify has no email: ${missingEmailHint(call, IDENTIFY_EMAIL_SOURCES)}`);
  }
  const email = resolution.email;
  const warnings: MappingWarning[] = [];
  const { properties } = contactProperties(own(call, 'traits'), context.catalog, warnings, { map: context.options.propertyMap?.contact, cells: isFromCsv(call) });
  const learn: IdentityFact[] = [];
  for (const key of LEARNED_IDS) {
    const id = segmentId(own(call, key));
    if (id !== undefined) learn.push({ id, email });
  }
  return mapped([{ op: 'contact.upsert', email, properties }], warnings, learn);
}
