import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.ts';
import { runDiagnostics } from '../../diagnostics/run.ts';

/** /diagnostics: the checks of `kefu diagnose`, run by the daemon. */
export const diagnosticsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/diagnostics', { config: { roles: ['admin', 'supervisor'] }, schema: { tags: ['diagnostics'] } }, async () => {
    const busy = new Set(ctx.config.lines.flatMap((l) => (l.port ? [l.port] : [])));
    const report = await runDiagnostics(ctx.config, { busyPorts: busy, db: ctx.db, appConnected: true, smsStatus: (id) => ctx.sms?.dongleStatus(id) ?? null });
    const lines = ctx.telephony.listLines();
    return { ...report, lines };
  });
};
