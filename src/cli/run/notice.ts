// One line for the user on standard error, as text or as a JSON log line (--log-format).
export function notice(flags: { logFormat: 'text' | 'json' }, message: string, topic = 'notice'): void {
  process.stderr.write(flags.logFormat === 'json' ? `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: topic, message })}\n` : `hubspot-sync: ${message}\n`);
}
