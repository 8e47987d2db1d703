import type { crmEn } from './crm.en.ts';

/** CRM 页面的简体中文 */
export const crmZhCN: Record<keyof typeof crmEn, string> = {
  'crm.group.basic': '基本信息', 'crm.group.characteristics': '客户特征', 'crm.group.business': '业务状态',
  'crm.group.transaction': '交易状态', 'crm.group.custom': '自定义字段',
  'crm.f.ownerId': '客户经理', 'crm.f.kind': '类型', 'crm.f.legalRepresentative': '法定代表人', 'crm.f.founded': '成立日期',
  'crm.f.relationshipSince': '建立关系', 'crm.f.region': '服务区域', 'crm.f.salesCapacity': '销售能力',
  'crm.f.potential': '潜力', 'crm.f.industry': '行业', 'crm.f.source': '来源', 'crm.f.size': '规模',
  'crm.f.scale': '经营规模', 'crm.f.sales': '销售情况', 'crm.f.relationship': '关系程度', 'crm.f.attitude': '态度',
  'crm.f.currentOrders': '当前订单', 'crm.f.issues': '问题', 'crm.f.terms': '交易条件', 'crm.f.credit': '信用',
  'crm.f.creditLimit': '信用额度', 'crm.f.creditRating': '信用等级', 'crm.f.creditOverdue': '逾期',
  'crm.overdue': '逾期', 'crm.notOverdue': '未逾期',
  'crm.editCard': '编辑信息卡', 'crm.card': '客户信息卡',
  'crm.fields.title': '自定义字段', 'crm.fields.key': '键', 'crm.fields.label': '名称', 'crm.fields.type': '类型',
  'crm.fields.options': '选项（逗号分隔）', 'crm.fields.add': '添加字段', 'crm.fields.none': '还没有自定义字段。',
  'crm.type.text': '文本', 'crm.type.number': '数字', 'crm.type.date': '日期', 'crm.type.choice': '选项',
  'crm.roster.tag': '标签', 'crm.roster.tier': '等级', 'crm.roster.status': '状态', 'crm.roster.owner': '客户经理', 'crm.roster.region': '区域',
  'crm.roster.sort': '排序', 'crm.sort.created': '创建时间', 'crm.sort.updated': '更新时间', 'crm.sort.name': '姓名', 'crm.sort.tier': '等级',
  'crm.order.asc': '升序', 'crm.order.desc': '降序', 'crm.export.csv': '导出 CSV', 'crm.export.xlsx': '导出 Excel',
  'crm.dups.title': '重复客户', 'crm.dups.none': '没有两个客户共用一个号码。', 'crm.dups.find': '查找重复',
  'crm.dups.keep': '保留', 'crm.dups.merge': '合并到保留的客户', 'crm.dups.merged': '已合并', 'crm.dups.confirm': '合并这些客户？他们的通话、短信和记录将转到保留的客户。',
};
