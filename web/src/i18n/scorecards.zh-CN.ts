/** 绩效考核页面的中文文字。 */
import type { scorecardsEn } from './scorecards.en.ts';

export const scorecardsZhCN: Record<keyof typeof scorecardsEn, string> = {
  'nav.scorecards': '绩效考核',
  'sc.title': '绩效考核', 'sc.mine': '我的考核', 'sc.results': '结果', 'sc.reviews': '评分', 'sc.schemes': '考核方案', 'sc.appeals': '申诉',
  'sc.period': '考核期', 'sc.noPeriods': '还没有考核期：请从方案开一个。', 'sc.state': '状态',
  'sc.state.open': '开放', 'sc.state.computed': '已计算', 'sc.state.reviewed': '已评审', 'sc.state.published': '已公布',
  'sc.compute': '计算', 'sc.closeReviews': '结束评分', 'sc.reopen': '重新评分', 'sc.publish': '公布',
  'sc.agent': '坐席', 'sc.team': '小组', 'sc.kpi': '指标得分', 'sc.review': '评分', 'sc.self': '自评', 'sc.supervisor': '主管评分',
  'sc.deductions': '扣分', 'sc.adjustments': '调整', 'sc.total': '总分', 'sc.rank': '排名', 'sc.grade': '等级', 'sc.points': '积分',
  'sc.chartTotals': '按排名的总分', 'sc.chartGrades': '各等级人数', 'sc.noCards': '尚未计算。',
  'sc.item': '项目', 'sc.value': '实际值', 'sc.target': '目标', 'sc.score': '得分', 'sc.weight': '权重', 'sc.weighted': '加权', 'sc.level': '级别',
  'sc.kpi.answered': '接听量', 'sc.kpi.responseMs': '响应速度（毫秒）', 'sc.kpi.handleMs': '处理时长（毫秒）', 'sc.kpi.conversion': '成交率',
  'sc.kpi.complaints': '投诉', 'sc.kpi.churn': '客户流失', 'sc.kpi.survey': '满意度',
  'sc.save': '保存', 'sc.saved': '已保存', 'sc.give': '评分', 'sc.comment': '评语', 'sc.deduct': '扣分', 'sc.reason': '原因',
  'sc.newScheme': '新方案', 'sc.name': '名称', 'sc.kind': '类型', 'sc.kind.individual': '个人', 'sc.kind.team': '小组',
  'sc.addItem': '添加项目', 'sc.remove': '删除', 'sc.rule': '规则', 'sc.rule.linear': '按目标线性，封顶', 'sc.rule.bands': '分档（界限:分数，由好到差）',
  'sc.max': '封顶', 'sc.bands': '分档', 'sc.weightsSum': '权重合计', 'sc.parts': '指标 / 评分 %', 'sc.reviewWeights': '自评 / 主管 %',
  'sc.complaintDeduction': '每个属实投诉扣分', 'sc.gradesAt': '等级线 A / B / C / D', 'sc.appealDays': '申诉答复天数',
  'sc.boundByTeam': '个人等级不高于小组等级', 'sc.teamScheme': '小组方案', 'sc.outcomes': '算作成交的结果（逗号分隔）',
  'sc.openPeriod': '开一个月', 'sc.month': '月份', 'sc.created': '已创建',
  'sc.appeal': '申诉', 'sc.appealCard': '对本考核申诉', 'sc.appealDeduction': '申诉', 'sc.appealSent': '申诉已提交',
  'sc.status.open': '待答复', 'sc.status.upheld': '成立', 'sc.status.rejected': '驳回', 'sc.overdue': '已超期', 'sc.due': '期限',
  'sc.uphold': '成立', 'sc.reject': '驳回', 'sc.answer': '答复', 'sc.adjustment': '加分（整卡申诉）', 'sc.noAppeals': '没有申诉。',
  'sc.history': '变更记录', 'sc.who': '操作人', 'sc.why': '原因', 'sc.when': '时间', 'sc.none': '无。', 'sc.void': '作废',
  'sc.selfReview': '我的自评', 'sc.noCardsMine': '你还没有考核。', 'sc.onlyOverdue': '只看超期',
};
