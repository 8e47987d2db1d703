/**
 * Console sign-in: POST /auth/login sets an HttpOnly session cookie,
 * POST /auth/logout ends it, GET /auth/me says who is signed in (a key or a
 * user). Failed sign-ins are limited per username and per address.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { KefuError } from '../../core/errors.ts';
import { SESSION_COOKIE, sessionToken } from '../auth.ts';
import { verifyPassword } from '../../services/auth/passwords.ts';
import { UserOut } from '../users/schemas.ts';

const WINDOW_MS = 5 * 60_000;
/**
 * Sign-in attempts that may fail in WINDOW_MS: per username from one address,
 * per address (several people may share one), and per username from anywhere
 * (higher, so one address guessing cannot lock the real user out).
 */
const MAX_PER_USER_ADDRESS = 10;
const MAX_PER_ADDRESS = 50;
const MAX_PER_USER = 100;
/** A fixed hash to verify against for unknown users, so both paths cost the same. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['auth'];
  const failures = new Map<string, number[]>();
  const recent = (k: string) => (failures.get(k) ?? []).filter((t) => t > Date.now() - WINDOW_MS);

  app.post('/auth/login', {
    config: { public: true, errors: { 429: 'too many failed sign-ins from this address or for this user' } },
    schema: {
      tags, security: [], description: 'Console sign-in. Sets the HttpOnly session cookie; the response is the user.',
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 60 }),
        password: Type.String({ minLength: 1, maxLength: 200 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ user: UserOut, expiresAt: Type.String({ format: 'date-time' }) }) },
    },
  }, async (req, reply) => {
    const user = req.body.username.toLowerCase();
    const limits: Array<[string, number]> = [[`u:${user}|${req.ip}`, MAX_PER_USER_ADDRESS], [`ip:${req.ip}`, MAX_PER_ADDRESS], [`u:${user}`, MAX_PER_USER]];
    if (limits.some(([k, max]) => recent(k).length >= max)) throw new KefuError('RATE_LIMITED', 'too many failed sign-ins: wait a few minutes');
    // The attempt is counted before the (slow) password check, so parallel guesses cannot all be tried;
    // a success takes it back.
    const at = Date.now();
    if (failures.size > 10_000) failures.clear();
    for (const [k] of limits) failures.set(k, [...recent(k), at]);
    const found = await ctx.repos.users.forLogin(req.body.username);
    const ok = await verifyPassword(req.body.password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok) throw new KefuError('UNAUTHORIZED', 'wrong username or password');
    failures.delete(limits[0]![0]);
    for (const [k] of limits.slice(1)) {
      const left = recent(k).filter((t) => t !== at);
      if (left.length) failures.set(k, left); else failures.delete(k);
    }
    const { token, expiresAt } = await ctx.repos.users.startSession(found.user.id, ctx.config.console.sessionHours);
    const secure = req.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ctx.config.console.sessionHours * 3600}${secure}`);
    req.log.info({ userId: found.user.id, username: found.user.username }, 'signed in');
    return { user: found.user, expiresAt: expiresAt.toISOString() };
  });

  app.post('/auth/logout', { config: { public: true }, schema: { tags, security: [], response: { 204: Type.Null() } } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) {
      await ctx.repos.users.endSession(token);
      app.forgetSession(token);
    }
    return reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`).status(204).send(null);
  });

  app.get('/auth/session', {
    config: { public: true },
    schema: {
      tags, security: [], description: 'The console\'s first question: is this browser signed in? 200 either way (user null when not).',
      response: { 200: Type.Object({ user: Type.Union([UserOut, Type.Null()]), demo: Type.Boolean(), pbx: Type.Boolean(), lineDial: Type.Boolean({ description: 'a modem line can place click-to-dial calls' }) }) },
    },
  }, async (req) => {
    const token = sessionToken(req);
    const s = token ? await ctx.repos.users.session(token) : null;
    return { user: s?.user ?? null, demo: ctx.demo !== null, pbx: ctx.pbx !== null, lineDial: ctx.telephony.canDial };
  });

  app.get('/auth/me', {
    schema: {
      tags, description: 'Who is signed in: a console user, or the API key used.',
      response: { 200: Type.Object({ kind: Type.Union([Type.Literal('user'), Type.Literal('key')]), role: Type.String(), name: Type.String(), user: Type.Union([UserOut, Type.Null()]), demo: Type.Boolean(), pbx: Type.Boolean(), lineDial: Type.Boolean({ description: 'a modem line can place click-to-dial calls' }) }) },
    },
  }, async (req) => {
    const p = req.principal!;
    return { kind: p.user ? 'user' as const : 'key' as const, role: p.role, name: p.name, user: p.user ?? null, demo: ctx.demo !== null, pbx: ctx.pbx !== null, lineDial: ctx.telephony.canDial };
  });
};
