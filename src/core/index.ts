// The mapping core's public surface: everything another program needs to map Segment
// calls the way hubspot-sync does, and nothing that does I/O.

export type * from './types.js';

export { mapEvent } from './mapEvent.js';
export { checkCall, CALL_TYPES } from './checkCall.js';
export { eventTime, EVENT_TIME_FIELDS } from './eventTime.js';
export { EventNameWatch, passesFilters } from './filters.js';
export { mapDelivered } from './deliveryRules.js';
export type { DeliveryRules, RuledResult } from './deliveryRules.js';
export { routedToHubSpot, HUBSPOT_INTEGRATION_KEYS } from './routing.js';
export { consentGranted } from './consent.js';
export { callIds, hasSuppressedEmail, hasSuppressedId } from './suppression.js';
export type { SuppressionLookup } from './suppression.js';
export { uuidFor, uuidV5, EVENT_UUID_NAMESPACE } from './uuid.js';

export { Catalog, readOnlyReason } from './catalog.js';
export type { PropertyLookup } from './catalog.js';
export { defaultCatalog, defaultCatalogDocument } from './defaultCatalog.js';

export { normalizeKey, normalizeEventName } from './keys.js';
export { flattenProperties } from './flatten.js';
export type { FlatEntry } from './flatten.js';
export { convertValue } from './values.js';
export { parseInstant, isIsoDateTime, formatDate, formatDateTime, EPOCH_MS_THRESHOLD } from './instant.js';
export { normalizeEmail, MAX_EMAIL_LENGTH } from './email.js';
export { domainFromWebsite } from './website.js';
export { contactProperties, splitName } from './contactProperties.js';
export { companyProperties } from './companyProperties.js';
export { eventProperties, eventPropertyType, EVENT_PROPERTY_LIMIT, EVENT_PROPERTY_NAME_LIMIT, EVENT_VALUE_LIMIT } from './eventProperties.js';
export type { EventPropertyOptions } from './eventProperties.js';
export { eventNameFor, internalEventName, EVENT_NAME_LIMIT } from './eventName.js';
export { resolveEmail, segmentId, IDENTIFY_EMAIL_SOURCES, TRACK_EMAIL_SOURCES, GROUP_EMAIL_SOURCES } from './resolveEmail.js';
export type { EmailResolution, EmailSource } from './resolveEmail.js';
export { pageAsTrack, PAGE_VIEWED } from './mapPage.js';
export { diffProperties } from './diffProperties.js';
export type { DiffStatus, PropertyChange, RecordDiff } from './diffProperties.js';
export { cellValue, markFromCsv, isFromCsv } from './cellValues.js';
