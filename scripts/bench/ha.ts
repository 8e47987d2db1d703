/**
 * npm run bench -- ha: issue 14's HA cases (test/ha/scenario.ts) run
 * KEFU_HA_RUNS times each (default 10; T1 SIGKILL the owner, T3 SIGSTOP it
 * for 25 s, T4 restart PostgreSQL, T5 kill the primary of a Patroni
 * cluster, T6 a Patroni switchover), 20 calls of KEFU_HA_HOLD_S seconds
 * (default 60); KEFU_HA_CASES picks cases (comma-separated, default
 * T1,T3,T4,T5,T6). Prints p50 / p95 / max of the times and the sums of the
 * counts; writes bench/results/ha.json (a subset: ha-T1.json...). Needs the Asterisk lab (npm test
 * builds it) and runs as root or as a user who may start PostgreSQL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { runHaCase, type HaCase, type HaFigures } from '../../test/ha/scenario.ts';
import { percentile, table } from './load.ts';

const spread = (xs: Array<number | null>) => {
  const s = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return s.length === 0 ? 'n/a' : `${percentile(s, 50)} / ${percentile(s, 95)} / ${s[s.length - 1]}`;
};
const ALL: HaCase[] = ['T1', 'T3', 'T4', 'T5', 'T6'];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export async function run(opts: { runs?: number; holdS?: number; cases?: HaCase[] } = {}) {
  const runs = opts.runs ?? Number(process.env.KEFU_HA_RUNS ?? 10);
  const holdS = opts.holdS ?? Number(process.env.KEFU_HA_HOLD_S ?? 60);
  const all: HaFigures[] = [];
  const cases = opts.cases ?? (process.env.KEFU_HA_CASES ?? ALL.join(',')).split(',').map((c) => c.trim());
  for (const c of cases) if (!(ALL as string[]).includes(c)) throw new Error(`KEFU_HA_CASES: ${c} is not a case (${ALL.join(', ')})`);
  for (const kind of cases as HaCase[]) {
    for (let i = 0; i < runs; i++) {
      const f = await runHaCase(kind, { holdS, log: (s) => console.log(`  run ${i + 1}/${runs} ${s}`) });
      console.log(`  ${JSON.stringify(f)}`);
      all.push(f);
    }
  }
  const rows = ALL.map((kind) => all.filter((f) => f.case === kind)).filter((fs) => fs.length > 0).map((fs) => ({
    case: fs[0]!.case, runs: fs.length,
    'promoted ms p50/p95/max': spread(fs.map((f) => f.promotedMs)),
    'former primary standby ms p50/p95/max': spread(fs.map((f) => f.rejoinedMs)),
    'takeover ms p50/p95/max': spread(fs.map((f) => f.takeoverMs)),
    'first ARI ms p50/p95/max': spread(fs.map((f) => f.firstAriMs)),
    'offered/records': `${sum(fs.map((f) => f.offered))}/${sum(fs.map((f) => f.records))}`,
    'open/lost/dup': `${sum(fs.map((f) => f.open))}/${sum(fs.map((f) => f.lost))}/${sum(fs.map((f) => f.duplicated))}`,
    'dup per SIP Call-ID': sum(fs.map((f) => f.duplicatedSip ?? 0)),
    'bridged survived': `${sum(fs.map((f) => f.bridgedSurvived))}/${sum(fs.map((f) => f.bridgedAtFault))}`,
    'stale refused': sum(fs.map((f) => f.staleRefused)),
    'missed ids': sum(fs.flatMap((f) => f.missedIds)),
    'console p95 ms p50/p95/max of runs': spread(fs.map((f) => f.streamMs.p95)),
  }));
  console.log(table(rows));
  mkdirSync('bench/results', { recursive: true });
  // a subset of the cases goes to its own file (bench/results/ha-T1.json), not over the full run's
  const file = cases.length === ALL.length ? 'ha.json' : `ha-${cases.join('-')}.json`;
  writeFileSync(`bench/results/${file}`, JSON.stringify({ runs, holdS, rows, all }, null, 2));
  return { runs, holdS, rows };
}
