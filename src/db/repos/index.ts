import type { Db } from '../types.ts';
import { KeyRepo } from './keys.ts';
import { CustomerRepo } from './customers.ts';
import { CustomerFieldRepo } from './customer-fields.ts';
import { ContactRepo } from './contacts.ts';
import { CallRepo } from './calls.ts';
import { RecordingRepo } from './recordings.ts';
import { BlacklistRepo } from './blacklist.ts';
import { FlowRepo } from './flows.ts';
import { InteractionRepo } from './interactions.ts';
import { AcdRepo } from './acd.ts';
import { QueueWaitingRepo } from './queue-waiting.ts';
import { UserRepo } from './users.ts';
import { ScreenpopRepo } from './screenpops.ts';
import { StatsRepo } from './stats.ts';
import { StatsKpiRepo } from './stats-kpi.ts';
import { StatsLiveRepo } from './stats-live.ts';
import { CallLegRepo } from './legs.ts';
import { SetupRepo } from './setup.ts';
import { CampaignRepo } from './campaigns.ts';
import { SmsRepo } from './sms.ts';
import { FaxRepo } from './fax.ts';
import { WebhookRepo } from './webhooks.ts';
import { TaskRepo } from './tasks.ts';
import { CarePlanRepo } from './care-plans.ts';
import { ComplaintRepo } from './complaints.ts';
import { SurveyRepo } from './surveys.ts';

export interface Repos {
  keys: KeyRepo;
  customers: CustomerRepo;
  customerFields: CustomerFieldRepo;
  contacts: ContactRepo;
  calls: CallRepo;
  recordings: RecordingRepo;
  blacklist: BlacklistRepo;
  flows: FlowRepo;
  interactions: InteractionRepo;
  acd: AcdRepo;
  queueWaiting: QueueWaitingRepo;
  users: UserRepo;
  screenpops: ScreenpopRepo;
  stats: StatsRepo;
  statsKpi: StatsKpiRepo;
  statsLive: StatsLiveRepo;
  legs: CallLegRepo;
  setup: SetupRepo;
  campaigns: CampaignRepo;
  sms: SmsRepo;
  fax: FaxRepo;
  webhooks: WebhookRepo;
  tasks: TaskRepo;
  carePlans: CarePlanRepo;
  complaints: ComplaintRepo;
  surveys: SurveyRepo;
}

export const makeRepos = (db: Db): Repos => ({
  keys: new KeyRepo(db),
  customers: new CustomerRepo(db),
  customerFields: new CustomerFieldRepo(db),
  contacts: new ContactRepo(db),
  calls: new CallRepo(db),
  recordings: new RecordingRepo(db),
  blacklist: new BlacklistRepo(db),
  flows: new FlowRepo(db),
  interactions: new InteractionRepo(db),
  acd: new AcdRepo(db),
  queueWaiting: new QueueWaitingRepo(db),
  users: new UserRepo(db),
  screenpops: new ScreenpopRepo(db),
  stats: new StatsRepo(db),
  statsKpi: new StatsKpiRepo(db),
  statsLive: new StatsLiveRepo(db),
  legs: new CallLegRepo(db),
  setup: new SetupRepo(db),
  campaigns: new CampaignRepo(db),
  sms: new SmsRepo(db),
  fax: new FaxRepo(db),
  webhooks: new WebhookRepo(db),
  tasks: new TaskRepo(db),
  carePlans: new CarePlanRepo(db),
  complaints: new ComplaintRepo(db),
  surveys: new SurveyRepo(db),
});
