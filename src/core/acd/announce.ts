/**
 * What a waiting caller is told: their place in the queue and the estimated
 * wait, and how to leave. Pure.
 *
 * Estimated wait (EWT): with `staffed` agents taking this queue's calls
 * (logged in and not paused: ready, ringing, on a call or wrapping up) and
 * the queue's average handle time AHT (mean of its last handled calls, agent
 * answer to hang-up, plus the queue's wrap-up time), the caller at position p
 * (1 = next) waits about  EWT = p × AHT / staffed.  Without a handled call
 * yet, or with nobody staffed, there is no estimate (the wait is not said).
 */
const PINYIN = ['ling2', 'yi1', 'er4', 'san1', 'si4', 'wu3', 'liu4', 'qi1', 'ba1', 'jiu3'];

/** A count read the Chinese way (12 = shi2 er4), in pinyin for the cmn voice; digit by digit from 100 on. */
export function pinyinNumber(n: number): string {
  if (n < 10) return PINYIN[n]!;
  if (n < 100) return `${n >= 20 ? `${PINYIN[Math.floor(n / 10)]!} ` : ''}shi2${n % 10 ? ` ${PINYIN[n % 10]!}` : ''}`;
  return [...String(n)].map((d) => PINYIN[Number(d)]!).join(' ');
}
const pinyinKey = (k: string) => (k === '*' ? 'xing1 hao4' : k === '#' ? 'jing3 hao4' : PINYIN[Number(k)]!);

export interface WaitInputs {
  /** 1 = next to be answered. */
  position: number;
  staffed: number;
  /** Recent handle times of the queue, ms (agent answered -> hung up). */
  handleTimesMs: readonly number[];
  wrapUpS: number;
}

/** Estimated wait in whole seconds (rounded up), or null when it cannot be estimated. */
export function estimatedWaitS(i: WaitInputs): number | null {
  if (i.staffed < 1 || i.handleTimesMs.length === 0) return null;
  const ahtMs = i.handleTimesMs.reduce((a, b) => a + b, 0) / i.handleTimesMs.length + i.wrapUpS * 1000;
  return Math.ceil((i.position * ahtMs) / i.staffed / 1000);
}

export interface AnnouncementInputs {
  voice: 'en-us' | 'cmn';
  /** Null: the position is not said. */
  position: number | null;
  /** Null: the wait is not said. */
  waitS: number | null;
  /** The key that leaves the queue, and where it leads. */
  exit: { key: string; to: 'queue' | 'voicemail' | 'flow' | 'hangup' } | null;
}

const minutes = (s: number) => Math.max(1, Math.ceil(s / 60));

/** The announcement's text for TTS, or null when there is nothing to say. */
export function announcementText(a: AnnouncementInputs): string | null {
  const parts: string[] = [];
  if (a.voice === 'cmn') {
    const n = pinyinNumber;
    if (a.position !== null) parts.push(`nin2 xian4 zai4 pai2 zai4 di4 ${n(a.position)} wei4.`);
    if (a.waitS !== null) parts.push(a.waitS < 60 ? 'yu4 ji4 deng3 dai4 bu2 dao4 yi4 fen1 zhong1.' : `yu4 ji4 deng3 dai4 yue1 ${n(minutes(a.waitS))} fen1 zhong1.`);
    if (a.exit) parts.push(`${a.exit.to === 'voicemail' ? 'liu2 yan2' : 'li2 kai1 pai2 dui4'} qing3 an4 ${pinyinKey(a.exit.key)}.`);
  } else {
    if (a.position !== null) parts.push(`You are number ${a.position} in the queue.`);
    if (a.waitS !== null) parts.push(a.waitS < 60 ? 'Your estimated wait is less than one minute.' : `Your estimated wait is about ${minutes(a.waitS)} minute${minutes(a.waitS) === 1 ? '' : 's'}.`);
    if (a.exit) {
      const key = a.exit.key === '*' ? 'star' : a.exit.key === '#' ? 'pound' : a.exit.key;
      parts.push(a.exit.to === 'voicemail' ? `To leave a message, press ${key}.` : `To leave the queue, press ${key}.`);
    }
  }
  return parts.length ? parts.join(' ') : null;
}
