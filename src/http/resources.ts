/** The resource plugins mounted under /api/v1 (besides customers and events). */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.ts';
import { callRoutes } from './calls/routes.ts';
import { lineRoutes } from './lines/routes.ts';
import { flowRoutes } from './flows/routes.ts';
import { diagnosticsRoutes } from './diagnostics/routes.ts';
import { acdRoutes } from './acd/routes.ts';
import { contactRoutes } from './contacts/routes.ts';
import { blacklistRoutes } from './blacklist/routes.ts';
import { recordingRoutes } from './recordings/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { userRoutes } from './users/routes.ts';
import { screenpopRoutes } from './screenpop/routes.ts';
import { deskRoutes } from './desk/routes.ts';
import { statsRoutes } from './stats/routes.ts';
import { statsKpiRoutes } from './stats/kpi-routes.ts';
import { keyRoutes } from './keys/routes.ts';
import { hardwareRoutes } from './hardware/routes.ts';
import { campaignRoutes } from './campaigns/routes.ts';
import { smsDemoRoutes, smsRoutes } from './sms/routes.ts';
import { faxRoutes } from './fax/routes.ts';
import { scorecardRoutes } from './scorecards/routes.ts';
import { scorecardCardRoutes } from './scorecards/cards-routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { taskRoutes } from './tasks/routes.ts';
import { carePlanRoutes } from './care-plans/routes.ts';
import { complaintRoutes } from './complaints/routes.ts';
import { surveyRoutes } from './surveys/routes.ts';
import { cardScanRoutes } from './contacts/scan.ts';
import { clusterRoutes } from './cluster/routes.ts';

export const resourcePlugins: Array<FastifyPluginAsync<{ ctx: AppContext }>> = [
  callRoutes, lineRoutes, flowRoutes, diagnosticsRoutes, acdRoutes, contactRoutes, blacklistRoutes, recordingRoutes,
  authRoutes, userRoutes, screenpopRoutes, deskRoutes, statsRoutes, keyRoutes, hardwareRoutes, campaignRoutes,
  smsRoutes, smsDemoRoutes, faxRoutes, statsKpiRoutes,
  scorecardRoutes, scorecardCardRoutes,
  webhookRoutes,
  taskRoutes, carePlanRoutes, complaintRoutes, surveyRoutes,
  cardScanRoutes, clusterRoutes,
];
