// Response bodies of the batch endpoints (docs/hubspot.md#batches), the fields we read.
import type { ErrorDetail } from './errors.js';

export interface CrmObject {
  id: string;
  properties: Record<string, string | null | undefined>;
  createdAt?: string;
  updatedAt?: string;
  new?: boolean;
}

/**
 * A CRM batch answer. Rejected inputs are listed in `errors` whatever the status: a 207
 * in 2026-03, the endpoint's usual 200 or 201 from 2026-09. Readers look at `errors`,
 * never at the status.
 */
export interface BatchResponse<R = CrmObject> {
  status?: string;
  results: R[];
  numErrors?: number;
  /** Per-input failures; one of a 207 lists one detail per refused property under `errors`. */
  errors?: Array<ErrorDetail & { errors?: ErrorDetail[] }>;
}

export interface SearchResponse {
  total: number;
  results: CrmObject[];
  paging?: { next?: { after: string } };
}

export interface EventDefinition {
  name: string;
  fullyQualifiedName: string;
  properties?: Array<{ name: string; type?: string }>;
}

export interface EventDefinitionPage {
  total?: number;
  results: EventDefinition[];
  paging?: { next?: { after: string } };
}
