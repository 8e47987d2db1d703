/**
 * The dialer on the real Asterisk lab: one campaign per mode (preview,
 * progressive, predictive, broadcast) over the same kind of list — scripted callees of the
 * lab's carrier (test/helpers/callees.ts): people who talk a while, answering
 * machines, busy, no answer, congestion — with agents nailed up on the lab's
 * seats (four agents, eight lines). Preview is worked by the agents through
 * the API (show the next record, dial it, wait for its end). The daemon runs
 * as a process on PGlite. Prints one row per mode and writes
 * bench/results/campaigns.json.
 *
 * Figures: wall time, dial rate (attempts a minute), calls up at most (never
 * more than the lines), agents' talk share (connected time over agent time),
 * abandonment (of live answers), connect delay (live answer to agent), and
 * the pacing decision time (sampled from /stats while it runs).
 *
 * KEFU_BENCH_CAMPAIGN_N numbers per mode (default 200).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startLab, labDaemonConfig } from '../../test/helpers/asterisk-lab.ts';
import { callee, type CalleeKind } from '../../test/helpers/callees.ts';
import { freshDatabase } from '../../test/helpers/db.ts';
import { startDaemonProcess } from '../../test/helpers/daemon.ts';
import { percentile, table } from './load.ts';

const SEATS = [109, 110, 111, 112];
const AGENTS = SEATS.map((s) => `bench-${s}`);
const LINES = 8;
const ONCE = { delayS: 0, maxAttempts: 1 };
const RETRY = { busy: ONCE, 'no-answer': ONCE, machine: ONCE, failed: ONCE, abandoned: ONCE };

interface Attempt { outcome: string | null; abandoned: boolean; placedAt: string; liveAt: string | null; connectedAt: string | null; endedAt: string | null }
interface Stats { state: string; callsUp: number; pacing: { decisionMs: number } | null }

/** The list: 60 % people (talk 3-8 s), 15 % machines, 10 % busy, 10 % no answer, 5 % congestion; rings of 1-6 s. */
function list(n: number, offset: number): string[] {
  const kinds: CalleeKind[] = [];
  for (let i = 0; i < n; i++) {
    const r = (i * 37) % 100;
    kinds.push(r < 60 ? 'human' : r < 75 ? 'machine' : r < 85 ? 'busy' : r < 95 ? 'no-answer' : 'congestion');
  }
  return kinds.map((kind, i) => callee(kind, { ringS: 1 + (i % 6), talkS: kind === 'human' ? 3 + (i % 6) : 2, variant: (offset + Math.floor(i / 100)) % 10, n: i % 100 }));
}

type Api = Awaited<ReturnType<typeof startDaemonProcess>>;

/** One agent working a preview campaign: the next record, dial it, wait until it is over; until none is left. */
async function workPreview(daemon: Api, id: string, agentId: string): Promise<void> {
  for (;;) {
    const shown = await daemon.api<{ number: { id: string } | null }>('POST', `/campaigns/${id}/preview`, { agentId });
    if (shown.status !== 200 || !shown.body.number) return;
    const dialled = await daemon.api<{ attemptId: string | null }>('POST', `/campaigns/${id}/preview/${shown.body.number.id}/dial`, { agentId });
    const attemptId = dialled.body.attemptId;
    if (!attemptId) continue;
    for (;;) {
      const page = await daemon.api<{ items: Array<{ id: string; outcome: string | null }> }>('GET', `/campaigns/${id}/attempts?limit=20`);
      if (page.body.items.find((a) => a.id === attemptId)?.outcome) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // the agent is ready again after wrap-up (1 s)
    for (;;) {
      const a = await daemon.api<{ items: Array<{ id: string; state: string }> }>('GET', '/agents');
      if (a.body.items.find((x) => x.id === agentId)?.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function run(opts: { n?: number; out?: string | null } = {}) {
  const n = opts.n ?? Number(process.env.KEFU_BENCH_CAMPAIGN_N ?? 200);
  const lab = await startLab();
  const db = await freshDatabase('pglite');
  const config = labDaemonConfig(lab, { channels: LINES, flow: 'main' }, { seats: SEATS.map((s) => ({ id: `seat-${s}`, endpoint: `PJSIP/${s}` })), console: { wrapUpS: 1 } });
  const daemon = await startDaemonProcess({ databaseUrl: db.url, config });
  const rows: Array<Record<string, unknown>> = [];
  try {
    for (const s of SEATS) await lab.carrier.action('Setvar', { Variable: `AGENT_${s}`, Value: 'answer' });
    for (const [i, id] of AGENTS.entries()) {
      await daemon.api('POST', '/agents', { id, name: id });
      await daemon.api('POST', `/agents/${id}/state`, { state: 'ready', seatId: `seat-${SEATS[i]}` });
    }
    for (const [m, mode] of (['preview', 'progressive', 'predictive', 'broadcast'] as const).entries()) {
      for (const id of AGENTS) await daemon.api('POST', `/agents/${id}/state`, { state: 'ready' });
      const settings = mode === 'broadcast'
        ? { message: 'This is a short notice from the lab.', maxLines: LINES, retry: RETRY }
        : { agents: AGENTS, maxLines: LINES, ringTimeoutS: 15, retry: RETRY };
      const c = await daemon.api<{ id: string }>('POST', '/campaigns', { name: `bench ${mode}`, mode, settings });
      await daemon.api('POST', `/campaigns/${c.body.id}/numbers`, { numbers: list(n, m * 3).map((number) => ({ number })) });
      const t0 = Date.now();
      await daemon.api('POST', `/campaigns/${c.body.id}/start`);
      const agentsWork = mode === 'preview' ? AGENTS.map((agentId) => workPreview(daemon, c.body.id, agentId)) : [];
      let most = 0;
      const decisions: number[] = [];
      for (;;) {
        const s = (await daemon.api<Stats>('GET', `/campaigns/${c.body.id}/stats`)).body;
        most = Math.max(most, s.callsUp);
        if (s.pacing) decisions.push(s.pacing.decisionMs);
        if (s.state === 'finished') break;
        if (Date.now() - t0 > 30 * 60_000) throw new Error(`${mode}: not finished in 30 minutes`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await Promise.all(agentsWork);
      const wallS = (Date.now() - t0) / 1000;
      const attempts: Attempt[] = [];
      for (let cursor: string | null = ''; cursor !== null;) {
        const page: { items: Attempt[]; next: string | null } = (await daemon.api<{ items: Attempt[]; next: string | null }>('GET', `/campaigns/${c.body.id}/attempts?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
        attempts.push(...page.items);
        cursor = page.next;
      }
      const live = attempts.filter((a) => a.liveAt);
      const connected = attempts.filter((a) => a.connectedAt && a.outcome === 'connected');
      const talkS = connected.reduce((t, a) => t + (Date.parse(a.endedAt!) - Date.parse(a.connectedAt!)) / 1000, 0);
      const delays = connected.filter((a) => a.liveAt).map((a) => Date.parse(a.connectedAt!) - Date.parse(a.liveAt!)).sort((a, b) => a - b);
      decisions.sort((a, b) => a - b);
      const outcomes: Record<string, number> = {};
      for (const a of attempts) outcomes[a.outcome ?? 'open'] = (outcomes[a.outcome ?? 'open'] ?? 0) + 1;
      rows.push({
        mode, numbers: n, attempts: attempts.length, 'wall s': +wallS.toFixed(1), 'dials/min': +(attempts.length / (wallS / 60)).toFixed(1),
        'calls up max': most, lines: LINES, agents: mode === 'broadcast' ? 0 : AGENTS.length,
        'talk share %': mode === 'broadcast' ? null : +((100 * talkS) / (AGENTS.length * wallS)).toFixed(1),
        'abandon %': live.length ? +((100 * attempts.filter((a) => a.abandoned).length) / live.length).toFixed(2) : null,
        'connect p50 ms': percentile(delays, 50), 'connect p95 ms': percentile(delays, 95),
        'decision p50 ms': +percentile(decisions, 50).toFixed(3), 'decision p99 ms': +percentile(decisions, 99).toFixed(3),
        outcomes,
      });
      console.log(`${mode} done: ${JSON.stringify(rows.at(-1))}`);
    }
  } finally {
    await daemon.stop();
    await lab.stop();
    await db.drop();
  }
  console.log(table(rows.map(({ outcomes: _outcomes, ...r }) => r)));
  for (const r of rows) console.log(`${r.mode}: ${JSON.stringify(r.outcomes)}`);
  const result = { bench: 'campaigns', seats: SEATS.length, lines: LINES, rows };
  if (opts.out !== null) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(opts.out ?? 'bench/results/campaigns.json', JSON.stringify(result, null, 2));
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
