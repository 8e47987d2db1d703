/** English strings of the statistics page (spread into en.ts). */
export const statsEn = {
  'nav.statistics': 'Statistics',
  'st.title': 'Statistics', 'st.dimension': 'Per', 'st.bucket': 'By', 'st.period': 'Period',
  'st.dim.all': 'Everything', 'st.dim.agent': 'Agent', 'st.dim.queue': 'Queue', 'st.dim.line': 'Line', 'st.dim.campaign': 'Campaign',
  'st.dim.outcome': 'Outcome', 'st.dim.direction': 'Direction',
  'st.bucket.hour': 'Hour', 'st.bucket.day': 'Day', 'st.bucket.week': 'Week', 'st.bucket.month': 'Month', 'st.bucket.none': 'Whole period',
  'st.today': 'Today', 'st.last7': 'Last 7 days', 'st.thisMonth': 'This month', 'st.lastMonth': 'Last month', 'st.custom': 'Days…',
  'st.offered': 'Offered', 'st.answered': 'Answered', 'st.abandoned': 'Abandoned', 'st.abandonWait': 'Wait before abandon',
  'st.withinRings': 'Within {n} rings', 'st.serviceLevel': 'Service level', 'st.asa': 'ASA', 'st.talk': 'Avg talk', 'st.hold': 'Avg hold',
  'st.wrap': 'Avg wrap-up', 'st.aht': 'Avg handle', 'st.occupancy': 'Occupancy', 'st.utilisation': 'Utilisation',
  'st.csv': 'CSV', 'st.xlsx': 'Excel', 'st.total': 'Total', 'st.none': '(none)', 'st.noData': 'No calls in this period.',
  'st.live': 'Today so far', 'st.callsUp': 'Calls up', 'st.waiting': 'Waiting', 'st.agentsReady': 'Agents ready',
  'st.holdNote': 'Hold is not tracked by kefu.', 'st.bucketCol': 'When', 'st.calls': 'Calls',
} as const;
