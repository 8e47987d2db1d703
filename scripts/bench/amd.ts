/**
 * Answering-machine detection on the real Asterisk lab: the Pbx driver dials
 * the carrier's scripted callees (test/helpers/callees.ts) — people who say a
 * short hello and answering machines with a long greeting, with varied ring
 * times and greeting variants — with `detectMachine`, and counts what AMD
 * said about each. Prints the confusion matrix and detection times (answer ->
 * verdict) per settings profile; writes bench/results/amd.json.
 *
 * Profiles: `sample` passes the values of Debian's amd.conf sample as AMD()
 * arguments; `pbx` passes none, so the PBX's amd.conf decides (the lab
 * installs dialplans/pbx/amd.conf).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { AsteriskPbx } from '../../drivers/asterisk/pbx.ts';
import type { PbxEvent, PbxMachineDetection, PbxMachineVerdict } from '../../src/core/ports.ts';
import { callee, startLab } from '../../test/helpers/asterisk-lab.ts';
import { percentile, table } from './load.ts';

/** Debian's amd.conf sample (Asterisk 22), as AMD() arguments. */
export const SAMPLE: PbxMachineDetection = {
  initialSilenceMs: 2500, greetingMs: 1500, afterGreetingSilenceMs: 800, totalMs: 5000, minWordMs: 100,
  betweenWordsSilenceMs: 50, maxWords: 2, silenceThreshold: 256, maxWordMs: 5000,
};

type Kind = 'human' | 'machine';
interface Outcome { kind: Kind; variant: number; ringS: number; verdict: PbxMachineVerdict['status'] | 'gone'; cause: string; answerToVerdictMs: number | null }

const RINGS = [1, 2, 3, 5];
/** Greeting variants of the carrier's callees (dialplans/lab/carrier-extensions.conf): 0-3 plain, 4-5 hard for AMD. */
const VARIANTS = 6;

/** One call: originate with detection, wait for the verdict (or the leg's end), hang up. */
async function dial(pbx: AsteriskPbx, trunk: string, kind: Kind, i: number, detect: true | PbxMachineDetection): Promise<Outcome> {
  const variant = i % VARIANTS;
  const ringS = RINGS[Math.floor(i / VARIANTS) % RINGS.length]!;
  const id = randomUUID();
  let answeredAt: number | null = null;
  const done = new Promise<Outcome>((resolve) => {
    const off = pbx.on((e: PbxEvent) => {
      if (e.type === 'legAnswered' && e.legId === id) answeredAt = performance.now();
      const since = () => (answeredAt === null ? null : Math.round(performance.now() - answeredAt));
      if (e.type === 'legEntered' && e.leg.id === id) { off(); resolve({ kind, variant, ringS, verdict: e.amd?.status ?? 'gone', cause: e.amd?.cause ?? 'no verdict', answerToVerdictMs: since() }); }
      if (e.type === 'legGone' && e.legId === id) { off(); resolve({ kind, variant, ringS, verdict: 'gone', cause: e.reason, answerToVerdictMs: since() }); }
    });
  });
  const number = callee(kind, { ringS, talkS: 20, variant, n: i % 100 });
  await pbx.originate({ id, endpoint: `PJSIP/${number}@${trunk}`, role: 'dialer', args: ['bench'], timeoutS: 30, callerId: 'kefu', detectMachine: detect });
  const out = await done;
  await pbx.hangup(id);
  return out;
}

/** Runs `jobs` with at most `n` at once, in order of the list. */
async function pool<T>(n: number, jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => {
    while (next < jobs.length) { const i = next++; out[i] = await jobs[i]!(); }
  }));
  return out;
}

function summarise(outcomes: Outcome[]) {
  const verdicts = ['human', 'machine', 'notsure', 'hangup', 'gone'] as const;
  const matrix = Object.fromEntries((['human', 'machine'] as const).map((k) => [k, Object.fromEntries(verdicts.map((v) => [v, outcomes.filter((o) => o.kind === k && o.verdict === v).length]))])) as Record<Kind, Record<(typeof verdicts)[number], number>>;
  const correct = outcomes.filter((o) => o.kind === o.verdict).length;
  const times = (k: Kind) => outcomes.filter((o) => o.kind === k && o.verdict === k && o.answerToVerdictMs !== null).map((o) => o.answerToVerdictMs!).sort((a, b) => a - b);
  const t = (k: Kind) => { const s = times(k); return { n: s.length, p50Ms: percentile(s, 50), p90Ms: percentile(s, 90), maxMs: s.at(-1) ?? NaN }; };
  const wrong = outcomes.filter((o) => o.kind !== o.verdict).map((o) => ({ kind: o.kind, variant: o.variant, ringS: o.ringS, verdict: o.verdict, cause: o.cause }));
  const byVariant = (['human', 'machine'] as const).flatMap((kind) => [...new Set(outcomes.map((o) => o.variant))].sort().map((variant) => {
    const os = outcomes.filter((o) => o.kind === kind && o.variant === variant);
    const ms = os.filter((o) => o.answerToVerdictMs !== null).map((o) => o.answerToVerdictMs!).sort((a, b) => a - b);
    return { kind, variant, calls: os.length, right: os.filter((o) => o.verdict === kind).length, causes: [...new Set(os.map((o) => o.cause))].join(' '), 'p50 ms': percentile(ms, 50) };
  }));
  return { calls: outcomes.length, accuracy: +(correct / outcomes.length).toFixed(3), matrix, detectionTime: { human: t('human'), machine: t('machine') }, byVariant, wrong };
}

export async function run(opts: { perKind?: number; concurrency?: number; profiles?: Record<string, true | PbxMachineDetection>; out?: string | null } = {}) {
  const perKind = opts.perKind ?? 24;
  const profiles = opts.profiles ?? { sample: SAMPLE, pbx: true };
  const lab = await startLab();
  const e = lab.env;
  const pbx = new AsteriskPbx({ url: e.KEFU_LAB_PBX_ARI_URL!, username: e.KEFU_LAB_PBX_ARI_USER!, password: e.KEFU_LAB_PBX_ARI_PASSWORD!, app: e.KEFU_LAB_PBX_ARI_APP! }, null, pino({ level: 'warn' }));
  const results: Record<string, ReturnType<typeof summarise> & { settings: true | PbxMachineDetection }> = {};
  try {
    await pbx.start();
    for (const [name, detect] of Object.entries(profiles)) {
      const jobs = (['human', 'machine'] as const).flatMap((k) => Array.from({ length: perKind }, (_, i) => () => dial(pbx, e.KEFU_LAB_PBX_TRUNK!, k, i, detect)));
      const outcomes = await pool(opts.concurrency ?? 6, jobs);
      results[name] = { settings: detect, ...summarise(outcomes) };
    }
  } finally {
    await pbx.stop();
    await lab.stop();
  }
  for (const [name, r] of Object.entries(results)) {
    console.log(`\nprofile ${name}: ${JSON.stringify(r.settings)}; accuracy ${(r.accuracy * 100).toFixed(1)} % of ${r.calls}`);
    console.log(table((['human', 'machine'] as const).map((k) => ({ 'called \\ AMD said': k, ...r.matrix[k], 'answer -> verdict p50 ms': r.detectionTime[k].p50Ms, p90: r.detectionTime[k].p90Ms, max: r.detectionTime[k].maxMs }))));
    console.log(table(r.byVariant));
  }
  const result = { bench: 'amd', perKind, rings: RINGS, variants: VARIANTS, profiles: results };
  if (opts.out !== null) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(opts.out ?? 'bench/results/amd.json', JSON.stringify(result, null, 2));
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
