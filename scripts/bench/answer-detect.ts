/**
 * Answer detection by ear: the call-progress classifier over a generated set
 * of far ends (every scenario × tone plan country × line condition × seed),
 * as a confusion table, with decision times.
 *
 *   npm run bench -- answer-detect
 *   node --import tsx scripts/bench/answer-detect.ts [seeds]
 *
 * Prints the table and writes bench/results/answer-detect.json. Figures
 * only: nothing fails here.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { CallProgressDetector } from '../../src/core/call-progress/detector.ts';
import { farEnd, toPcm, type FarEndKind } from '../../src/core/call-progress/far-end-audio.ts';
import { pcmToFloat } from '../../src/core/call-progress/dsp.ts';
import { EspeakTts } from '../../src/media/tts.ts';
import type { ToneCountry } from '../../src/core/call-progress/plans.ts';

/** What the classifier should end with for each scenario ('ringing': no final decision, last heard ringback). */
export const EXPECTED: Record<FarEndKind, string> = {
  live: 'answered-live',
  machine: 'answered-machine',
  'crbt-live': 'answered-live',
  'crbt-machine': 'answered-machine',
  busy: 'busy',
  congestion: 'congestion',
  'no-answer': 'ringing',
  dead: 'silence',
};

export interface Condition {
  name: string;
  jitter: number;
  noiseDb: number;
  levelDb: number;
}

export const CONDITIONS: readonly Condition[] = [
  { name: 'clean', jitter: 0, noiseDb: -65, levelDb: -20 },
  { name: 'jitter 25 %', jitter: 0.25, noiseDb: -60, levelDb: -20 },
  { name: 'quiet line, noise', jitter: 0.15, noiseDb: -48, levelDb: -32 },
  { name: 'loud, noisy', jitter: 0.2, noiseDb: -35, levelDb: -10 },
  // At the edge of the cadence tolerance, 12 dB SNR on tones.
  { name: 'hard', jitter: 0.3, noiseDb: -42, levelDb: -30 },
];

/** Real voices (espeak-ng through the project's TTS): what people and machines say when they pick up. */
export const TTS_VOICES: ReadonlyArray<{ expect: 'answered-live' | 'answered-machine'; voice: string; text: string }> = [
  { expect: 'answered-live', voice: 'cmn', text: '喂？' },
  { expect: 'answered-live', voice: 'cmn', text: '喂，你好。' },
  { expect: 'answered-live', voice: 'cmn', text: '你好，哪位？' },
  { expect: 'answered-live', voice: 'en-us', text: 'Hello?' },
  { expect: 'answered-live', voice: 'en-us', text: 'Hello, who is this?' },
  { expect: 'answered-machine', voice: 'cmn', text: '您好，您拨打的电话暂时无法接通，请稍后再拨。' },
  { expect: 'answered-machine', voice: 'cmn', text: '你好，我现在不方便接听电话，请在提示音后留言，谢谢。' },
  { expect: 'answered-machine', voice: 'cmn', text: '欢迎致电客服中心，我们的工作时间是周一至周五上午九点到下午六点。' },
  { expect: 'answered-machine', voice: 'en-us', text: "Hi, you've reached Li Wei. I can't take your call right now, please leave your name and number after the tone." },
  { expect: 'answered-machine', voice: 'en-us', text: 'Thank you for calling. All our agents are busy at the moment. Please stay on the line.' },
];

const COUNTRIES: readonly ToneCountry[] = ['CN', 'NA', 'UK'];
const KINDS = Object.keys(EXPECTED) as FarEndKind[];

export interface Sample {
  kind: FarEndKind;
  country: ToneCountry;
  condition: string;
  seed: number;
  expected: string;
  got: string;
  /** The country of the last tone decision, when any. */
  heardCountry: string | null;
  /** A colour-ringback decision came (expected for crbt-* only). */
  heardMusic: boolean;
  atMs: number | null;
}

/** Runs the detector over one clip; the label is the final decision, or 'ringing'/'nothing' when none came. */
export function classify(pcm: Buffer): { label: string; atMs: number | null; country: string | null; music: boolean } {
  const d = new CallProgressDetector();
  // Fed in 20 ms chunks, as a modem delivers it.
  for (let o = 0; o < pcm.length && !d.final; o += 320) d.push(pcm.subarray(o, o + 320));
  const f = d.final;
  const music = d.decisions.some((h) => h.kind === 'colour-ringback');
  const tone = [...d.decisions].reverse().find((h) => h.country);
  const country = tone?.country ?? null;
  if (f) return { label: f.kind, atMs: f.atMs, country, music };
  const last = d.decisions[d.decisions.length - 1];
  return { label: last && (last.kind === 'ringback' || last.kind === 'colour-ringback') ? 'ringing' : 'nothing', atMs: null, country, music };
}

export async function run(opts: { seeds?: number; out?: string | null; log?: (l: string) => void } = {}) {
  const log = opts.log ?? console.log;
  const seeds = opts.seeds ?? 4;
  const samples: Sample[] = [];
  const t0 = performance.now();
  let seed = 1;
  for (const kind of KINDS) {
    for (const country of COUNTRIES) {
      for (const c of CONDITIONS) {
        for (let s = 0; s < seeds; s++) {
          const x = farEnd(kind, seed++, { country, jitter: c.jitter, noiseDb: c.noiseDb, levelDb: c.levelDb, totalMs: 20_000 });
          const r = classify(toPcm(x));
          samples.push({ kind, country, condition: c.name, seed: seed - 1, expected: EXPECTED[kind], got: r.label, heardCountry: r.country, heardMusic: r.music, atMs: r.atMs });
        }
      }
    }
  }
  const ms = performance.now() - t0;
  // Real voices: each after the ringback of every country and after colour ring-back music, at two line conditions.
  const tts = new EspeakTts();
  const ttsRows: Array<Sample & { text: string }> = [];
  for (const v of TTS_VOICES) {
    const voice = pcmToFloat(await tts.synthesize(v.text, v.voice));
    // espeak-ng normalised to -3 dBFS peak: bring it to a phone line's level.
    for (let i = 0; i < voice.length; i++) voice[i] = (voice[i] as number) * 0.3;
    const kind: FarEndKind = v.expect === 'answered-live' ? 'live' : 'machine';
    for (const country of COUNTRIES) {
      for (const c of [CONDITIONS[1], CONDITIONS[2]] as Condition[]) {
        for (const [k, label] of [[kind, kind], [`crbt-${kind}` as FarEndKind, `crbt-${kind}`]] as const) {
          const x = farEnd(k, seed++, { country, jitter: c.jitter, noiseDb: c.noiseDb, levelDb: c.levelDb, totalMs: 20_000, voice: voice.slice() });
          const r = classify(toPcm(x));
          ttsRows.push({ kind: label, country, condition: `tts ${c.name}`, seed: seed - 1, expected: v.expect, got: r.label, heardCountry: r.country, heardMusic: r.music, atMs: r.atMs, text: v.text });
        }
      }
    }
  }
  const ttsCorrect = ttsRows.filter((r) => r.got === r.expected).length;
  const labels = [...new Set([...Object.values(EXPECTED), ...samples.map((s) => s.got)])];
  const table: Record<string, Record<string, number>> = {};
  for (const k of KINDS) table[k] = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const s of samples) (table[s.kind] as Record<string, number>)[s.got]! += 1;
  const short = (l: string) => l.replace('answered-', '').slice(0, 9);
  log(`| scenario     | ${labels.map((l) => short(l).padStart(9)).join(' | ')} | correct |`);
  log(`|--------------|${labels.map(() => '-----------').join('|')}|---------|`);
  for (const k of KINDS) {
    const row = table[k] as Record<string, number>;
    const n = samples.filter((s) => s.kind === k).length;
    log(`| ${k.padEnd(12)} | ${labels.map((l) => String(row[l]).padStart(9)).join(' | ')} | ${((100 * (row[EXPECTED[k]] ?? 0)) / n).toFixed(0).padStart(5)} % |`);
  }
  const correct = samples.filter((s) => s.got === s.expected).length;
  const toned = samples.filter((s) => ['busy', 'congestion', 'no-answer'].includes(s.kind) && s.got === s.expected);
  const countryOk = toned.filter((s) => s.heardCountry === s.country).length;
  const crbt = samples.filter((s) => s.kind.startsWith('crbt'));
  const musicHeard = crbt.filter((s) => s.heardMusic).length;
  const musicFalse = samples.filter((s) => !s.kind.startsWith('crbt') && s.heardMusic).length;
  const times = (label: string) => samples.filter((s) => s.got === label && s.expected === label && s.atMs !== null).map((s) => s.atMs as number).sort((a, b) => a - b);
  const med = (xs: number[]) => (xs.length ? (xs[Math.floor(xs.length / 2)] as number) : null);
  const decisionMs = Object.fromEntries(['answered-live', 'answered-machine', 'busy', 'congestion', 'silence'].map((l) => [l, med(times(l))]));
  log(`\n${correct}/${samples.length} correct (${((100 * correct) / samples.length).toFixed(1)} %); tone plan country right in ${countryOk}/${toned.length} tone cases; ${(ms / samples.length).toFixed(0)} ms CPU per 20 s clip`);
  log(`colour ring-back recognised in ${musicHeard}/${crbt.length} CRBT calls; falsely in ${musicFalse}/${samples.length - crbt.length} others`);
  log(`real voices (espeak-ng, ${TTS_VOICES.length} phrases zh/en × 3 countries × 2 conditions × ringback/CRBT): ${ttsCorrect}/${ttsRows.length} correct`);
  for (const w of ttsRows.filter((r) => r.got !== r.expected).slice(0, 10)) log(`  wrong: "${w.text}" after ${w.kind} ${w.country} ${w.condition}: ${w.got}`);
  log(`median decision time (audio ms): ${JSON.stringify(decisionMs)}`);
  const wrong = samples.filter((s) => s.got !== s.expected);
  for (const w of wrong.slice(0, 20)) log(`  wrong: ${w.kind} ${w.country} ${w.condition} seed ${w.seed}: ${w.got}`);
  const result = { samples: samples.length, correct, accuracy: correct / samples.length, countryOk, tonedCases: toned.length, musicHeard, crbtCases: crbt.length, musicFalse, tts: { samples: ttsRows.length, correct: ttsCorrect, wrong: ttsRows.filter((r) => r.got !== r.expected) }, cpuMsPerClip: ms / samples.length, decisionMs, table, conditions: CONDITIONS, wrong };
  if (opts.out !== null) {
    await mkdir('bench/results', { recursive: true });
    await writeFile(opts.out ?? 'bench/results/answer-detect.json', JSON.stringify(result, null, 2));
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run({ seeds: Number(process.argv[2] ?? 4) });
}
