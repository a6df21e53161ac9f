// Library entry (`import { mapEvent } from 'hubspot-sync'`): the mapping core and its
// types only. Sources, sync, HubSpot client and CLI are the tool's, not the library's.

export * from './core/index.js';
