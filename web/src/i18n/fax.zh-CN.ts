/** Chinese strings of the fax page (spread into zh-CN.ts). */
export const faxZhCN = {
  'nav.fax': '传真',
  'fax.title': '传真', 'fax.inbox': '收件箱', 'fax.outbox': '已发送', 'fax.all': '全部',
  'fax.pages': '页数', 'fax.station': '传真标识', 'fax.result': '结果', 'fax.attempts': '尝试次数',
  'fax.send': '发送传真', 'fax.file': 'PDF 文件', 'fax.sendButton': '发送', 'fax.queued': '传真已排队', 'fax.noFaxes': '暂无传真。',
  'fax.page': '第 {n} 页，共 {total} 页', 'fax.prev': '上一页', 'fax.next': '下一页', 'fax.document': 'PDF', 'fax.close': '关闭',
  'fax.status.queued': '排队中', 'fax.status.sending': '发送中', 'fax.status.sent': '已发送', 'fax.status.failed': '失败',
  'fax.status.receiving': '接收中', 'fax.status.received': '已接收',
  'fax.dir.inbound': '收', 'fax.dir.outbound': '发',
} as const;
