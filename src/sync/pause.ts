// A run that must stop but loses nothing: the daily budget is spent or HubSpot stayed
// unavailable through every retry. The checkpoint is saved and the run exits 75.
export class PauseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PauseError';
  }
}
