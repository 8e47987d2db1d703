import type { careEn } from './care.en.ts';

/** 关怀页面的中文：回访任务、关怀计划、投诉、满意度调查节点。 */
export const careZhCN: Record<keyof typeof careEn, string> = {
  'ivr.type.survey': '满意度调查',
  'ivr.help.survey': '请来电者按 1 到 5 评分；按键作为本次通话的满意度保存。',
  'ivr.thanksPrompt': '致谢提示音',
  'ivr.edge.answered': '评分之后',
  'ivr.edge.noAnswer': '未评分',
  'desk.toSurvey': '挂机转满意度评价', 'desk.surveySent': '客户正在评价本次通话',
  'nav.tasks': '回访', 'nav.complaints': '投诉',
  'task.title': '回访任务', 'task.dueToday': '今日到期', 'task.overdue': '已逾期', 'task.owner': '负责人', 'task.allOwners': '全部坐席',
  'task.kind': '方式', 'task.kind.call': '电话', 'task.kind.visit': '拜访', 'task.kind.sms': '短信', 'task.due': '到期', 'task.customer': '客户',
  'task.status': '状态', 'task.status.open': '待办', 'task.status.overdue': '逾期', 'task.status.done': '已完成', 'task.status.cancelled': '已取消',
  'task.outcome': '结果', 'task.complete': '完成', 'task.call': '拨打', 'task.none': '今天没有到期的任务。', 'task.new': '新建任务',
  'task.name': '事项', 'task.create': '添加', 'task.done': '任务已完成', 'task.linkedCall': '已关联通话',
  'plan.title': '客户关怀计划', 'plan.new': '新建关怀计划', 'plan.name': '名称', 'plan.tiers': '客户等级（逗号分隔）', 'plan.tags': '标签（逗号分隔）',
  'plan.schedule': '周期', 'plan.every': '每', 'plan.unit.day': '天', 'plan.unit.week': '周', 'plan.unit.month': '个月', 'plan.start': '开始于',
  'plan.yearly': '每年于客户的', 'plan.field': '日期字段', 'plan.leadDays': '提前天数', 'plan.taskTitle': '任务', 'plan.ownerId': '固定负责人（坐席编号，留空：客户经理）',
  'plan.save': '保存计划', 'plan.run': '立即执行', 'plan.progress': '本期进度', 'plan.created': '已创建', 'plan.doneN': '已完成', 'plan.openN': '待办', 'plan.overdueN': '逾期',
  'plan.none': '还没有关怀计划。', 'plan.ran': '新建 {n} 个任务', 'plan.active': '启用', 'plan.type.every': '按周期', 'plan.type.yearly': '每年日期',
  'complaint.title': '投诉', 'complaint.summary': '投诉内容', 'complaint.agent': '坐席', 'complaint.status': '状态', 'complaint.new': '登记投诉',
  'complaint.create': '登记', 'complaint.none': '没有投诉。', 'complaint.to': '转为', 'complaint.note': '备注', 'complaint.history': '处理记录',
  'complaint.status.open': '待处理', 'complaint.status.investigating': '调查中', 'complaint.status.substantiated': '属实',
  'complaint.status.rejected': '不属实', 'complaint.status.closed': '已关闭', 'complaint.any': '全部状态',
};
