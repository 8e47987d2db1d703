/** Chinese strings of the webhooks page (spread into zh-CN.ts). */
export const webhooksZhCN = {
  'nav.webhooks': 'Webhook',
  'wh.title': 'Webhook 推送', 'wh.new': '新建 Webhook', 'wh.url': '地址', 'wh.events': '事件', 'wh.description': '说明', 'wh.enabled': '启用',
  'wh.eventsHint': '用空格或逗号分隔：具体类型（call.ended、task.due）、类别（call.*、sms.*、fax.*、campaign.*、scorecard.*），或 * 表示全部。',
  'wh.secretOnce': '签名密钥（仅显示这一次），请立即复制到接收系统：', 'wh.secretDone': '已复制',
  'wh.pending': '待发送', 'wh.dead': '死信', 'wh.deliveries': '投递记录', 'wh.enable': '启用', 'wh.disable': '停用',
  'wh.none': '还没有 Webhook。', 'wh.noDeliveries': '还没有投递记录。', 'wh.back': '全部 Webhook',
  'wh.attempts': '尝试次数', 'wh.code': '响应码', 'wh.error': '错误', 'wh.latency': '毫秒', 'wh.replay': '重发', 'wh.replayDead': '重发全部死信',
  'wh.replayed': '已重新排队 {n} 条', 'wh.disabledBy': '已停用：{reason}', 'wh.next': '下次尝试',
  'wh.status.pending': '待发送', 'wh.status.succeeded': '已送达', 'wh.status.dead': '死信', 'wh.status.all': '全部',
} as const;
