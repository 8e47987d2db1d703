/** English strings of the SMS page (spread into en.ts). */
export const smsEn = {
  'nav.sms': 'SMS',
  'sms.title': 'SMS', 'sms.threads': 'Conversations', 'sms.noThreads': 'No messages yet.', 'sms.pick': 'Pick a conversation, or write to a new number.',
  'sms.to': 'To', 'sms.text': 'Message', 'sms.send': 'Send', 'sms.sent': 'Queued for sending', 'sms.parts': 'parts',
  'sms.refused': 'Not sent', 'sms.incomplete': 'a part never came', 'sms.dongles': 'Dongles', 'sms.noDongle': 'No dongle configured (config sms:).',
  'sms.queued': 'queued', 'sms.signal': 'signal', 'sms.demoInbound': 'Simulate an incoming SMS', 'sms.demoFrom': 'From',
  'sms.status.queued': 'Queued', 'sms.status.sending': 'Sending', 'sms.status.sent': 'Sent', 'sms.status.delivered': 'Delivered',
  'sms.status.failed': 'Failed', 'sms.status.received': 'Received',
};
