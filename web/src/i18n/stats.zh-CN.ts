/** 统计页面的中文文案。 */
import type { statsEn } from './stats.en.ts';

export const statsZh: Record<keyof typeof statsEn, string> = {
  'nav.statistics': '统计',
  'st.title': '统计', 'st.dimension': '维度', 'st.bucket': '时间粒度', 'st.period': '时间段',
  'st.dim.all': '全部', 'st.dim.agent': '坐席', 'st.dim.queue': '队列', 'st.dim.line': '线路', 'st.dim.campaign': '外呼活动',
  'st.dim.outcome': '处理结果', 'st.dim.direction': '呼叫方向',
  'st.bucket.hour': '按小时', 'st.bucket.day': '按天', 'st.bucket.week': '按周', 'st.bucket.month': '按月', 'st.bucket.none': '整个时间段',
  'st.today': '今天', 'st.last7': '最近 7 天', 'st.thisMonth': '本月', 'st.lastMonth': '上月', 'st.custom': '自选日期…',
  'st.offered': '呼入总量', 'st.answered': '接通', 'st.abandoned': '放弃', 'st.abandonWait': '放弃前等待',
  'st.withinRings': '{n} 声内接听', 'st.serviceLevel': '服务水平', 'st.asa': '平均应答速度', 'st.talk': '平均通话', 'st.hold': '平均保持',
  'st.wrap': '平均话后处理', 'st.aht': '平均处理时长', 'st.occupancy': '占用率', 'st.utilisation': '利用率',
  'st.csv': 'CSV', 'st.xlsx': 'Excel', 'st.total': '合计', 'st.none': '（无）', 'st.noData': '该时间段内没有通话。',
  'st.live': '今日实时', 'st.callsUp': '通话中', 'st.waiting': '排队中', 'st.agentsReady': '就绪坐席',
  'st.holdNote': 'kefu 不记录保持时长。', 'st.bucketCol': '时间', 'st.calls': '通话量',
};
