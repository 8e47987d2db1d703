import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { PromptResolver } from '../../core/ivr/media.ts';
import type { Repos } from '../../db/repos/index.ts';
import type { NumberService } from '../numbers.ts';
import type { BlacklistService } from '../blacklist.ts';
import type { FlowService } from '../flows.ts';
import type { RecordingService } from '../recording/recorder.ts';
import type { AgentBoard } from '../agents/board.ts';
import type { CallLedger } from '../calls/ledger.ts';
import type { SpeechContext } from '../../core/asr/speech.ts';

/** What the telephony service is given by main.ts. */
export interface TelephonyDeps {
  config: Readonly<Config>;
  logger: Logger;
  bus: EventBus;
  repos: Repos;
  numbers: NumberService;
  blacklist: BlacklistService;
  flows: FlowService;
  prompts: PromptResolver;
  recordings: RecordingService;
  agents: AgentBoard;
  /** The only writer of call rows and emitter of call.* events. */
  calls: CallLedger;
  /** Speech recognition and the voice directory for `listen` / `directory` nodes; absent when `asr.engine` is none. */
  speech?: SpeechContext | undefined;
}
