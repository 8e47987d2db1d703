/**
 * Issue 14, trunk registrations (docs/scale-out.md, "Kamailio"): the shipped
 * deploy/kamailio/kamailio.cfg with WITH_UAC_REG, against a real PostgreSQL
 * database with the tables Debian's kamailio-postgres-modules ships. One row
 * of `uacreg` is a provider account; the provider is the far side of the
 * wire (a UDP endpoint here, as a provider's registrar would answer).
 * Kamailio REGISTERs, answers the provider's digest challenge with the
 * account's password, and is registered; the provider then sends a call to
 * the contact Kamailio registered, and Kamailio dispatches it to the
 * Asterisk node (set 1 of the dispatcher list).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sipEndpoint, startKamailio, type KamailioRun, type SipEndpoint } from '../helpers/kamailio.ts';
import { until } from '../helpers/wait.ts';

const BASE = Number(process.env.KEFU_LAB_PORT_BASE ?? 15000);
const KAM = BASE + 67;
const PROVIDER = BASE + 68;
const NODE = BASE + 69;
const ACCOUNT = { user: 'acct-8001', password: 'pa55-word', realm: 'provider.test' };

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

const header = (msg: string, name: string): string => msg.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim() ?? '';

/** A response to `req` (its Via, From, To, Call-ID and CSeq), with a To tag and `extra` headers. */
function reply(req: string, status: string, extra: string[] = []): string {
  const to = header(req, 'To');
  return `${[`SIP/2.0 ${status}`, `Via: ${header(req, 'Via')}`, `From: ${header(req, 'From')}`, `To: ${to.includes('tag=') ? to : `${to};tag=p1`}`,
    `Call-ID: ${header(req, 'Call-ID')}`, `CSeq: ${header(req, 'CSeq')}`, ...extra].join('\n')}\nContent-Length: 0\n\n`;
}

describe('Kamailio (shipped config): a trunk registration with the uac module', () => {
  let kam: KamailioRun;
  let provider: SipEndpoint;
  let node: SipEndpoint;
  const log = () => kam.log();

  beforeAll(async () => {
    provider = await sipEndpoint(PROVIDER, KAM);
    node = await sipEndpoint(NODE, KAM);
    kam = await startKamailio({
      port: KAM, node: NODE, tables: ['standard-create.sql', 'usrloc-create.sql', 'uac-create.sql'],
      seed: async (sql) => {
        await sql.query(`INSERT INTO uacreg (l_uuid, l_username, l_domain, r_username, r_domain, realm, auth_username, auth_password, auth_proxy, expires)
          VALUES ('trunk1', 'trunk1', '127.0.0.1', $1, '127.0.0.1', $2, $1, $3, $4, 300)`, [ACCOUNT.user, ACCOUNT.realm, ACCOUNT.password, `sip:127.0.0.1:${PROVIDER}`]);
      },
      defines: ['WITH_UAC_REG', `UAC_CONTACT="127.0.0.1:${KAM}"`, 'UAC_TIMER_S=1'],
    });
  });

  afterAll(async () => {
    provider?.sock.close();
    node?.sock.close();
    await kam?.stop();
  });

  it('registers the account (answering the digest challenge), and the provider\'s call to its contact reaches the node', async () => {
    const detail = () => `${provider.got.join('\n---\n')}\n${log().slice(-3000)}`;
    const first = await until('Kamailio REGISTERs with the provider', () => provider.got.find((m) => m.startsWith('REGISTER ')), { timeoutMs: 15_000, detail });
    expect(first.split('\r\n')[0]).toBe('REGISTER sip:127.0.0.1 SIP/2.0');
    expect(header(first, 'To')).toContain(`sip:${ACCOUNT.user}@127.0.0.1`);
    const nonce = `n${Date.now()}`;
    provider.sock.send(reply(first, '401 Unauthorized', [`WWW-Authenticate: Digest realm="${ACCOUNT.realm}", nonce="${nonce}", algorithm=MD5`]).replace(/\r?\n/g, '\r\n'), KAM, '127.0.0.1');

    const second = await until('the REGISTER with credentials', () => provider.got.find((m) => m.startsWith('REGISTER ') && /^Authorization:/mi.test(m)), { timeoutMs: 10_000, detail });
    const auth = header(second, 'Authorization');
    const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(auth)?.[1];
    expect([field('username'), field('realm'), field('nonce')]).toEqual([ACCOUNT.user, ACCOUNT.realm, nonce]);
    const ha1 = md5(`${ACCOUNT.user}:${ACCOUNT.realm}:${ACCOUNT.password}`);
    const ha2 = md5(`REGISTER:${field('uri')}`);
    const qop = field('qop');
    const expected = qop ? md5(`${ha1}:${nonce}:${field('nc')}:${field('cnonce')}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    expect(field('response')).toBe(expected);
    const contact = /<([^>]+)>/.exec(header(second, 'Contact'))?.[1] ?? header(second, 'Contact');
    expect(contact).toBe(`sip:trunk1@127.0.0.1:${KAM}`);
    provider.sock.send(reply(second, '200 OK', [`Contact: <${contact}>;expires=300`]).replace(/\r?\n/g, '\r\n'), KAM, '127.0.0.1');

    // the provider calls the contact Kamailio registered: dispatched to the Asterisk node
    provider.send([
      `INVITE ${contact} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${PROVIDER};branch=z9hG4bK-in1;rport`,
      'From: <sip:13800138000@127.0.0.1>;tag=c1', `To: <${contact}>`, 'Call-ID: provider-call-1', 'CSeq: 1 INVITE',
      `Contact: <sip:13800138000@127.0.0.1:${PROVIDER}>`, 'Max-Forwards: 70', 'Content-Length: 0', '', '',
    ].join('\n'));
    const atNode = await until('the node gets the provider\'s INVITE', () => node.got.find((m) => m.startsWith('INVITE ') && m.includes('Call-ID: provider-call-1')), { timeoutMs: 10_000, detail: () => log().slice(-3000) });
    expect(atNode.split('\r\n')[0]).toBe(`INVITE ${contact} SIP/2.0`);
    expect(atNode).toMatch(new RegExp(`Record-Route: <sip:127\\.0\\.0\\.1:${KAM};lr`));
  });
});
