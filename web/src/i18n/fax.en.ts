/** English strings of the fax page (spread into en.ts). */
export const faxEn = {
  'nav.fax': 'Fax',
  'fax.title': 'Fax', 'fax.inbox': 'Inbox', 'fax.outbox': 'Sent', 'fax.all': 'All',
  'fax.pages': 'Pages', 'fax.station': 'Station id', 'fax.result': 'Result', 'fax.attempts': 'Attempts',
  'fax.send': 'Send a fax', 'fax.file': 'PDF', 'fax.sendButton': 'Send', 'fax.queued': 'Fax queued', 'fax.noFaxes': 'No faxes yet.',
  'fax.page': 'Page {n} of {total}', 'fax.prev': 'Previous page', 'fax.next': 'Next page', 'fax.document': 'PDF', 'fax.close': 'Close',
  'fax.status.queued': 'queued', 'fax.status.sending': 'sending', 'fax.status.sent': 'sent', 'fax.status.failed': 'failed',
  'fax.status.receiving': 'receiving', 'fax.status.received': 'received',
  'fax.dir.inbound': 'in', 'fax.dir.outbound': 'out',
} as const;
