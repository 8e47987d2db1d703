/** The resource plugins mounted under /api/v1 (besides customers and events). */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.ts';

export const resourcePlugins: Array<FastifyPluginAsync<{ ctx: AppContext }>> = [];
