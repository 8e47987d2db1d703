/**
 * What the HTTP layer is given by main.ts. Plugins receive this bag; they
 * never construct services or open connections themselves.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import type { EventBus } from '../core/events/bus.ts';
import type { Repos } from '../db/repos/index.ts';
import type { BlacklistService } from '../services/blacklist.ts';
import type { Telephony } from '../services/telephony/telephony.ts';
import type { NumberService } from '../services/numbers.ts';
import type { CallLedger } from '../services/calls/ledger.ts';
import type { FlowService } from '../services/flows.ts';
import type { AgentBoard } from '../services/agents/board.ts';
import type { AcdService } from '../services/acd/acd-service.ts';
import type { PbxService } from '../services/pbx/pbx-service.ts';
import type { PromptResolver } from '../core/ivr/media.ts';
import type { HardwareService } from '../services/hardware/hardware.ts';
import type { CampaignService } from '../services/dialer/campaigns.ts';
import type { SmsService } from '../services/sms/sms-service.ts';
import type { SmsDemoControl } from '../services/sms/demo-sms.ts';
import type { FaxService } from '../services/fax/fax-service.ts';
import type { ScorecardService } from '../services/scorecards/service.ts';
import type { WebhookService } from '../services/webhooks/webhook-service.ts';
import type { EventLogService } from '../services/events/event-log-service.ts';
import type { CareService } from '../services/care/care-service.ts';
import type { CardScanner } from '../services/card-scan/scanner.ts';
import type { ClusterDirectory } from '../services/cluster/directory.ts';

export interface AppContext {
  config: Readonly<Config>;
  logger: Logger;
  db: Db;
  bus: EventBus;
  repos: Repos;
  numbers: NumberService;
  blacklist: BlacklistService;
  flows: FlowService;
  /** The call ledger: the only writer of call records. */
  calls: CallLedger;
  telephony: Telephony;
  /** Turns prompts (text or a stored recording) into audio. */
  prompts: PromptResolver;
  /** Every agent's live state (both modes). */
  agents: AgentBoard;
  /** Queues, when a PBX (Asterisk) is configured. */
  acd: AcdService | null;
  /** The Asterisk backend, when configured (click-to-dial). */
  pbx: PbxService | null;
  /** Outbound campaigns (the dialer). */
  campaigns: CampaignService | null;
  /** Present under `kefu serve --demo`: drives the simulated line. */
  demo: DemoControl | null;
  /** Set-up wizard and hardware page: ports, probes, lines added at run time. */
  hardware: HardwareService;
  /** SMS through the configured dongles (null when none is configured). */
  sms?: SmsService | null;
  /** Under `kefu serve --demo`: the simulated dongle's network (deliver an inbound SMS). */
  smsDemo?: SmsDemoControl | null;
  /** Faxes (both backends); absent in contexts built before fax existed (tests). */
  fax?: FaxService;
  /** Scorecards (绩效考核); absent in contexts built before they existed. */
  scorecards?: ScorecardService;
  /** Webhook deliveries; absent in contexts built without them (tests). */
  webhooks?: WebhookService;
  /** The event log (ids, ?since= resumes, other daemons' events); absent: the stream cannot resume. */
  eventLog?: EventLogService;
  /** The care scheduler (task.due, care-plan runs); plan progress and runs need it. */
  care?: CareService;
  /** Business-card scanning (null: cardScan.engine none); absent in contexts built before it existed (tests). */
  cardScanner?: CardScanner | null;
  /** cluster.enabled: who owns the Asterisk node and where (requests that need it are forwarded there); null or absent: no cluster. */
  cluster?: ClusterDirectory | null;
}

/** The demo line's far side, as the API drives it. */
export interface DemoControl {
  /** The line on the simulated modem: "demo" under --demo, the one the wizard added under --demo-device, else null. */
  readonly lineId: string | null;
  /** True when the demo line was attached at start (--demo); false with --demo-device. */
  readonly attached: boolean;
  /** The serial port of the simulated modem (the driver's end of the pty pair). */
  readonly devicePath: string;
  /** The simulated device vanishes (socat stops), and comes back power-cycled. */
  unplug(): Promise<void>;
  replug(): Promise<void>;
  call(opts: { number: string | null; name?: string | null; digits?: string; hangupAfterMs?: number }): Promise<void>;
  press(digits: string): Promise<void>;
  /** The caller says `text` (spoken by the TTS into the line). */
  say(text: string, voice: 'en-us' | 'cmn'): Promise<void>;
  hangup(): Promise<void>;
}
