import type { smsEn } from './sms.en.ts';

/** 短信页面（合入 zh-CN.ts） */
export const smsZhCN: Record<keyof typeof smsEn, string> = {
  'nav.sms': '短信',
  'sms.title': '短信', 'sms.threads': '会话', 'sms.noThreads': '还没有短信。', 'sms.pick': '选择一个会话，或给新号码发短信。',
  'sms.to': '收信人', 'sms.text': '内容', 'sms.send': '发送', 'sms.sent': '已加入发送队列', 'sms.parts': '条',
  'sms.refused': '未发送', 'sms.incomplete': '有一部分没有收到', 'sms.dongles': '短信猫', 'sms.noDongle': '没有配置短信猫（配置项 sms:）。',
  'sms.queued': '排队', 'sms.signal': '信号', 'sms.demoInbound': '模拟收到一条短信', 'sms.demoFrom': '发信人',
  'sms.status.queued': '排队中', 'sms.status.sending': '发送中', 'sms.status.sent': '已发送', 'sms.status.delivered': '已送达',
  'sms.status.failed': '失败', 'sms.status.received': '已接收',
};
