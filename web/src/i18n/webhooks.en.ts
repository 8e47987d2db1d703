/** English strings of the webhooks page (spread into en.ts). */
export const webhooksEn = {
  'nav.webhooks': 'Webhooks',
  'wh.title': 'Webhooks', 'wh.new': 'New webhook', 'wh.url': 'URL', 'wh.events': 'Events', 'wh.description': 'Description', 'wh.enabled': 'Enabled',
  'wh.eventsHint': 'Separated by spaces or commas: exact types (call.ended, task.due), families (call.*, sms.*, fax.*, campaign.*, scorecard.*) or * for everything.',
  'wh.secretOnce': 'Signing secret — shown this once. Copy it into the receiving system now:', 'wh.secretDone': 'I have copied it',
  'wh.pending': 'Waiting', 'wh.dead': 'Dead letters', 'wh.deliveries': 'Deliveries', 'wh.enable': 'Enable', 'wh.disable': 'Disable',
  'wh.none': 'No webhooks yet.', 'wh.noDeliveries': 'No deliveries yet.', 'wh.back': 'All webhooks',
  'wh.attempts': 'Attempts', 'wh.code': 'Answer', 'wh.error': 'Error', 'wh.latency': 'ms', 'wh.replay': 'Replay', 'wh.replayDead': 'Replay all dead letters',
  'wh.replayed': '{n} queued again', 'wh.disabledBy': 'Disabled: {reason}', 'wh.next': 'next try',
  'wh.status.pending': 'waiting', 'wh.status.succeeded': 'delivered', 'wh.status.dead': 'dead', 'wh.status.all': 'All',
} as const;
