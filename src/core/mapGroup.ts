// group → company.upsert keyed by the website's domain, then the association of the
// group's user (docs/mapping.md#group).

import { isFromCsv } from './cellValues.js';
import { companyProperties } from './companyProperties.js';
import { isEmptyValue, own, ownRecord, quote } from './json.js';
import { GROUP_EMAIL_SOURCES, invalidEmailReason, missingEmailHint, resolveEmail } from './resolveEmail.js';
import { deadLettered, mapped } from './result.js';
import type { MapContext, MapResult, MappingWarning, Operation, SegmentCall } from './types.js';
import { domainFromWebsite } from './website.js';

const WEBSITE_HINT = 'set traits.website to the company\'s website (https://example.com or example.com); its domain identifies the company';

export function mapGroup(call: SegmentCall, context: MapContext): MapResult {
  const traits = ownRecord(call, 'traits');
  const website = own(traits, 'website');
  if (isEmptyValue(website)) return deadLettered('INVALID_WEBSITE', `group has no traits.website: ${WEBSITE_HINT}`);
  const domain = domainFromWebsite(website);
  if (!domain.ok) {
    return deadLettered('INVALID_WEBSITE', `traits.website ${quote(website)} is not a website (${domain.reason}): ${WEBSITE_HINT}`);
  }

  const warnings: MappingWarning[] = [];
  const { properties } = companyProperties(traits, context.catalog, warnings, { map: context.options.propertyMap?.company, cells: isFromCsv(call) });
  const operations: Operation[] = [{ op: 'company.upsert', domain: domain.domain, properties }];

  // The company stands on its own: a missing or bad contact only costs the association.
  const resolution = resolveEmail(call, GROUP_EMAIL_SOURCES, context.identities, context.firstEmails);
  if (resolution.kind === 'invalid') {
    return deadLettered('INVALID_EMAIL', `${invalidEmailReason(resolution)} (the company was upserted, not associated)`, operations, warnings);
  }
  if (resolution.kind === 'missing') {
    const reason = `group has no contact to associate with ${domain.domain}: ${missingEmailHint(call, GROUP_EMAIL_SOURCES)} (the company was upserted)`;
    return deadLettered('CONTACT_NOT_IDENTIFIED', reason, operations, warnings);
  }
  operations.push({ op: 'association', email: resolution.email, domain: domain.domain });
  return mapped(operations, warnings);
}
