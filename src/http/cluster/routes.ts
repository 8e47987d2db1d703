/**
 * GET /cluster (admin): the Asterisk nodes' leases (docs/scale-out.md):
 * who owns each node, with which epoch, until when, at which API address,
 * and whether that is this daemon.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { ADMINS } from '../auth.ts';
import { listLeases } from '../../services/cluster/directory.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const LeaseOut = Type.Object({
  node: Type.String({ description: 'the Asterisk node (cluster.node)' }),
  owner: Nullable(Type.String({ description: 'the daemon holding (or last holding) the lease (its cluster.owner)' })),
  epoch: Type.Integer({ minimum: 1, description: 'goes up by one at each takeover; writes of an older epoch are refused' }),
  expiresAt: Type.String({ format: 'date-time', description: 'the lease ends then unless renewed (database clock)' }),
  expired: Type.Boolean({ description: 'the lease has run out: nobody owns the node now' }),
  address: Nullable(Type.String({ description: 'the owner\'s API address (cluster.advertise), where other daemons forward the requests that need the node' })),
  self: Type.Boolean({ description: 'this daemon owns the node now' }),
  entityId: Nullable(Type.String({ description: 'the entity id of the Asterisk the owner drives (asterisk.conf entityid), written when it opened ARI' })),
});

const ClusterOut = Type.Object({
  enabled: Type.Boolean({ description: 'cluster.enabled on this daemon' }),
  daemon: Nullable(Type.Object({
    owner: Type.String({ description: 'this daemon\'s name as a lease owner' }),
    node: Type.String({ description: 'the node this daemon serves' }),
    address: Nullable(Type.String({ description: 'the API address it advertises (null until it listens)' })),
    isOwner: Type.Boolean({ description: 'it holds the node\'s lease now' }),
  })),
  items: Type.Array(LeaseOut),
});

export const clusterRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/cluster', {
    config: { roles: ADMINS },
    schema: {
      tags: ['cluster'], summary: 'The Asterisk nodes\' leases',
      description: 'cluster.enabled (docs/scale-out.md): each node\'s lease row (owner, epoch, expiry, the owner\'s API address) and this daemon\'s part. Without a cluster: enabled false, daemon null, and the rows the table holds (none unless a cluster used this database).',
      response: { 200: ClusterOut },
    },
  }, async () => {
    const c = ctx.cluster ?? null;
    const isOwner = c?.isOwner() ?? false;
    return {
      enabled: c !== null,
      daemon: c ? { owner: c.owner, node: c.node, address: c.address, isOwner } : null,
      items: (await listLeases(ctx.db)).map((l) => ({ ...l, self: c !== null && isOwner && l.node === c.node && l.owner === c.owner && !l.expired })),
    };
  });
};
