/**
 * What the dialer needs from a hardware shape: the PBX (Asterisk lines,
 * agents at seats) or a modem line (one call, the person at the desk). The
 * campaign runner decides what to dial and when; a backend places each call
 * through the call lifecycle (the ledger writes its call record) and reports
 * how it went. Reports come in this order, each at most once, `ended` always
 * last: ringing → answered (live or machine) → connected (an agent took it)
 * or abandoned (nobody within the connect limit) → ended.
 */
import type { Campaign, CampaignOutcome } from '../../core/dialer/campaign.ts';
import type { DialMode } from '../../core/dialer/pacing.ts';
import type { Disposition } from '../../core/call/disposition.ts';

/** One campaign call to place. */
export interface DialerCall {
  campaign: Campaign;
  attemptId: string;
  /** The number's E.164 key, and the digits the line dials. */
  numberKey: string;
  digits: string;
  name: string | null;
  customerId: string | null;
  /** Preview (and a modem line's progressive): the agent the call is for. */
  agentId: string | null;
}

/** How an answered call was picked up. */
export type AnsweredBy = 'live' | 'machine';

export interface AttemptReports {
  /** The call record exists and the line dials. */
  placed(callId: string, lineId: string): void;
  ringing(): void;
  answered(by: AnsweredBy, amd: string | null): void;
  /** An agent is talking to the callee (agent modes), or a broadcast reached a person. */
  connected(agentId: string | null): void;
  /** A person answered and no agent reached them within the connect limit (the identification message was played), or they hung up waiting. */
  abandoned(): void;
  /** The attempt is over. `result`: broadcast keys, opt-out... */
  ended(outcome: CampaignOutcome, result?: Record<string, unknown>): void;
}

/**
 * An attempt another daemon placed whose call goes on here (its node taken
 * over): the call as it was placed, and its reports. `waitingSince`: a person
 * answered and no agent took them yet (nor was the call abandoned): when they
 * answered (ms since the epoch); null otherwise. `drop`: the call is not
 * carried on here after all (closed by the takeover; the sweep closes the
 * attempt): the runner forgets it without a write.
 */
export interface ResumedAttempt { call: DialerCall; reports: AttemptReports; waitingSince: number | null; drop(): void }
/** What a backend whose node was taken over asks of the campaigns. */
export interface DialerTakeover {
  /** The open attempt of a campaign call another daemon placed (null: none). */
  attempt(callId: string): Promise<ResumedAttempt | null>;
  /** Run here the campaigns running now (the earlier owner may have started or stopped some since this daemon looked). */
  running(): Promise<void>;
}

/** The campaign's agents as the pacing needs them. */
export interface AgentPicture {
  ready: string[];
  /** Elapsed talk seconds of each agent on a campaign call, and wrap-up seconds of each in wrap-up. */
  onCallS: number[];
  wrapUpS: number[];
  /** Callers answered live and waiting for an agent now. */
  waiting: number;
}

export interface DialerBackend {
  /** Which lines it dials through (config ids). */
  readonly lineIds: readonly string[];
  /** Why a mode cannot run on these lines (e.g. predictive on one modem line), or null. */
  refuses(mode: DialMode, lineIds: readonly string[]): string | null;
  /** Free channels on these lines now (calls may go up on them). */
  freeLines(lineIds: readonly string[]): number;
  agents(ids: readonly string[]): AgentPicture;
  /** Places the call; resolves once it is dialling (its reports follow), rejects when it could not start. */
  place(call: DialerCall, lineIds: readonly string[], reports: AttemptReports): Promise<void>;
  /** Ends the campaign's calls that are still ringing (a paused or stopped campaign dials nobody more). */
  cancelRinging(campaignId: string): Promise<void>;
  /** The agents of the running agent-mode campaigns (the PBX nails their seats up). */
  staff(agentIds: Iterable<string>): void;
  /** Something changed that may let the campaign place calls (an agent became ready, a line freed). */
  onChange(fn: () => void): () => void;
  /** (A backend whose calls survive a takeover of its node.) The campaigns' side of a takeover. */
  takeoverBy?(campaigns: DialerTakeover): void;
}

/** The call record's disposition for an attempt's outcome. */
export function dispositionOf(outcome: CampaignOutcome): Disposition {
  switch (outcome) {
    case 'connected': return 'completed';
    case 'abandoned': return 'dropped';
    case 'skipped': return 'cancelled';
    default: return outcome;
  }
}
