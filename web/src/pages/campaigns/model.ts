/** Campaigns as the API gives them, and the helpers the campaign pages share. */
import { ApiError } from '../../api.ts';
import { errorText } from '../../components/ui.tsx';
import { t, type MessageKey } from '../../i18n.ts';
import { en } from '../../i18n/en.ts';

export type Mode = 'preview' | 'progressive' | 'predictive' | 'broadcast';
export type CampaignState = 'draft' | 'running' | 'paused' | 'finished';
export const MODES: Mode[] = ['preview', 'progressive', 'predictive', 'broadcast'];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const RETRY_OUTCOMES = ['busy', 'no-answer', 'machine', 'failed', 'abandoned'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

export interface DayWindow { from: string; to: string }
/** A weekday in the form: the default hours, its own, or no calls. */
export interface DayChoice { kind: 'default' | 'custom' | 'off'; from: string; to: string }
/** The new-campaign form as typed (numbers as text: the API says what is wrong with them). */
export interface FormState {
  name: string; mode: Mode; lines: string[]; maxLines: string; queueId: string; agents: string[]; callerId: string;
  message: string; voice: 'cmn' | 'en-us'; keyAgent: string; keyOptOut: string; keyRepeat: string; countdown: string;
  from: string; to: string; days: Record<Weekday, DayChoice>; holidays: string[];
  retry: Record<RetryOutcome, { delayMin: string; maxAttempts: string }>; maxTotal: string;
  ringTimeoutS: string; amd: boolean; onMachine: 'hangup' | 'message' | 'agent'; capPct: string;
}
export interface RetryRule { delayS: number; maxAttempts: number }
export interface Settings {
  lines: string[]; maxLines: number; queueId: string | null; agents: string[]; callerId: string | null;
  message: string | null; flowId: string | null; keys: { agent: string | null; optOut: string | null; repeat: string | null };
  voice: 'en-us' | 'cmn'; ringTimeoutS: number; amd: { enabled: boolean; onMachine: 'hangup' | 'message' | 'agent' };
  window: { default?: DayWindow; days?: Partial<Record<Weekday, DayWindow | null>>; holidays?: string[] };
  retry: Record<RetryOutcome, RetryRule> & { maxTotal: number };
  abandonCap: number; abandonTarget: number; connectWithinS: number; previewCountdownS: number | null;
}
export interface Campaign {
  id: string; name: string; mode: Mode; state: CampaignState; priority: number; settings: Settings;
  createdAt: string; updatedAt: string; startedAt: string | null; finishedAt: string | null;
}
export interface AbandonWindow { liveAnswered: number; abandoned: number; rate: number | null }
export interface Stats {
  campaignId: string; state: CampaignState; mode: Mode;
  numbers: { total: number; pending: number; dialing: number; done: number };
  outcomes: Record<string, number>; attempts: number; callsUp: number; dialRatePerMin: number; etaS: number | null;
  abandon: { cap: number; day: AbandonWindow; month: AbandonWindow };
  pacing: { mode: string; reason: string; theta: number | null; decisionMs: number } | null;
}
export interface ListNumber {
  id: string; campaignId: string; number: string; name: string | null; customerId: string | null; data: Record<string, unknown>;
  priority: number; state: 'pending' | 'dialing' | 'done'; attempts: number; nextAt: string | null; lastOutcome: string | null; doneReason: string | null;
}
export interface Attempt {
  id: string; numberId: string; number: string; callId: string | null; lineId: string | null; agentId: string | null;
  placedAt: string; answeredAt: string | null; connectedAt: string | null; endedAt: string | null; outcome: string | null;
  abandoned: boolean; amd: string | null; skipReason: string | null;
}
export interface ListResult { rows: number; inserted: number; duplicates: number; errors: Array<{ line: number; message: string }> }

/** Outcomes in the order the pages show them, with their bar colours. */
export const OUTCOMES: Array<[string, string]> = [
  ['connected', '#1a7f37'], ['abandoned', '#c0262d'], ['machine', '#7a3ee8'], ['busy', '#d4a72c'], ['no-answer', '#9a6700'],
  ['failed', '#8c959f'], ['cancelled', '#b7bfc9'], ['interrupted', '#57606a'], ['skipped', '#0b6bcb'],
];

/** A translated word for "camp.<family>.<value>", else the value itself. */
export const word = (family: string, value: string | null | undefined): string => {
  if (!value) return '–';
  const key = `camp.${family}.${value}`;
  return key in en ? t(key as MessageKey) : value;
};

/** "1.2 %" with one decimal: abandonment rates are read against a 3 % cap. */
export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)} %`);

/** Seconds as "1 h 05 min" / "4 min" / "30 s". */
export function fmtEta(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * The API's refusal by field: schema errors come as details [{ field, message }],
 * the service's as details { field }. Fields are request paths ("body.settings.ringTimeoutS").
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  const add = (field: unknown, message: string) => {
    if (typeof field !== 'string' || !field) return;
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  };
  if (Array.isArray(err.details)) {
    for (const d of err.details as Array<{ field?: unknown; message?: unknown }>) add(d.field, String(d.message ?? ''));
  } else if (err.details && typeof err.details === 'object') {
    const f = (err.details as { field?: unknown }).field;
    // the message starts with the field ("body.settings.x: must ..."); show only what follows
    add(f, typeof f === 'string' && err.message.startsWith(f) ? err.message.slice(f.length).replace(/^[:\s]+/, '') : err.message);
  }
  return out;
}

/** A refusal in words: the known reasons translated ("no line can dial"), else the API's message. */
export function refusal(err: unknown): string {
  if (err instanceof ApiError && err.details && typeof err.details === 'object' && !Array.isArray(err.details)) {
    const reason = (err.details as { reason?: unknown }).reason;
    const key = `camp.refused.${String(reason)}`;
    if (key in en) return `${t(key as MessageKey)} (${err.message})`;
  }
  return errorText(err);
}
