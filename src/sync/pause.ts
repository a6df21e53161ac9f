// A run that must stop but loses nothing: the daily budget is spent or HubSpot stayed
// unavailable through every retry. The checkpoint is saved and the run exits 75, with
// one line saying why (never a stack trace: this is an expected way for a run to end).
import { EXIT, HubspotSyncError } from '../errors.js';

export class PauseError extends HubspotSyncError {
  constructor(message: string) {
    super(message, EXIT.paused);
  }
}
