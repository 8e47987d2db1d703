/**
 * Issue 14, Kamailio's phone locations in PostgreSQL (docs/scale-out.md,
 * "Kamailio"): the shipped deploy/kamailio/kamailio.cfg as is (its default:
 * usrloc on db_postgres, db_mode 3), against a real PostgreSQL database with
 * the tables Debian's kamailio-postgres-modules ships. A phone REGISTERs: the
 * location is a row of `location`. A node (an address of the dispatcher list)
 * calls the phone: Kamailio looks it up in the table and relays the INVITE to
 * the registered contact. The phone calls: the INVITE goes to the node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipEndpoint, startKamailio, type KamailioRun, type SipEndpoint } from '../helpers/kamailio.ts';
import { until } from '../helpers/wait.ts';

const BASE = Number(process.env.KEFU_LAB_PORT_BASE ?? 15000);
const KAM = BASE + 64;
const PHONE = BASE + 65;
const NODE = BASE + 66;

const sip = (lines: string[]) => `${lines.join('\n')}\nMax-Forwards: 70\nContent-Length: 0\n\n`;

describe('Kamailio (shipped config): phone locations in PostgreSQL', () => {
  let kam: KamailioRun;
  let sql: KamailioRun['sql'];
  let phone: SipEndpoint;
  let node: SipEndpoint;
  const log = () => kam.log();

  beforeAll(async () => {
    kam = await startKamailio({ port: KAM, node: NODE, tables: ['standard-create.sql', 'usrloc-create.sql'] });
    sql = kam.sql;
    phone = await sipEndpoint(PHONE, KAM);
    node = await sipEndpoint(NODE, KAM);
    // up once it answers an OPTIONS to itself
    await until('Kamailio answers', () => {
      phone.send(sip([`OPTIONS sip:127.0.0.1:${KAM} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${PHONE};branch=z9hG4bK-o${Date.now()}`, 'From: <sip:probe@127.0.0.1>;tag=o', `To: <sip:127.0.0.1:${KAM}>`, `Call-ID: up-${Date.now()}`, 'CSeq: 1 OPTIONS']));
      return phone.got.some((m) => m.startsWith('SIP/2.0 200'));
    }, { timeoutMs: 15_000, intervalMs: 200, detail: () => log().slice(-2000) });
    phone.got.length = 0;
  });

  afterAll(async () => {
    phone?.sock.close();
    node?.sock.close();
    await kam?.stop();
  });

  it('REGISTER writes the location row; a node\'s call reaches the phone through it; the phone\'s call goes to the node', async () => {
    phone.send(sip([
      `REGISTER sip:127.0.0.1:${KAM} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${PHONE};branch=z9hG4bK-reg1;rport`,
      'From: <sip:agent101@127.0.0.1>;tag=r1', 'To: <sip:agent101@127.0.0.1>', 'Call-ID: reg-1', 'CSeq: 1 REGISTER',
      `Contact: <sip:agent101@127.0.0.1:${PHONE}>`, 'Expires: 300',
    ]));
    await until('REGISTER answered 200', () => phone.got.some((m) => m.startsWith('SIP/2.0 200') && m.includes('REGISTER')), { timeoutMs: 10_000, detail: () => `${phone.got.join('\n---\n')}\n${log().slice(-2000)}` });
    const rows = (await sql.query<{ username: string; contact: string }>('SELECT username, contact FROM location')).rows;
    expect(rows).toEqual([{ username: 'agent101', contact: `sip:agent101@127.0.0.1:${PHONE}` }]);

    // a node calls the phone: lookup in the table, relayed to the contact, Kamailio on the route
    node.send(sip([
      `INVITE sip:agent101@127.0.0.1:${KAM} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${NODE};branch=z9hG4bK-inv1;rport`,
      'From: <sip:8000@127.0.0.1>;tag=n1', 'To: <sip:agent101@127.0.0.1>', 'Call-ID: inv-1', 'CSeq: 1 INVITE', `Contact: <sip:8000@127.0.0.1:${NODE}>`,
    ]));
    const invite = await until('the phone gets the INVITE', () => phone.got.find((m) => m.startsWith('INVITE ')), { timeoutMs: 10_000, detail: () => log().slice(-2000) });
    expect(invite.split('\r\n')[0]).toBe(`INVITE sip:agent101@127.0.0.1:${PHONE} SIP/2.0`);
    expect(invite).toMatch(new RegExp(`Record-Route: <sip:127\\.0\\.0\\.1:${KAM};lr`));

    // the phone calls out: dispatched to the node (set 1)
    phone.send(sip([
      `INVITE sip:13800138000@127.0.0.1:${KAM} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${PHONE};branch=z9hG4bK-inv2;rport`,
      'From: <sip:agent101@127.0.0.1>;tag=p1', 'To: <sip:13800138000@127.0.0.1>', 'Call-ID: inv-2', 'CSeq: 1 INVITE', `Contact: <sip:agent101@127.0.0.1:${PHONE}>`,
    ]));
    const out = await until('the node gets the phone\'s INVITE', () => node.got.find((m) => m.startsWith('INVITE ') && m.includes('Call-ID: inv-2')), { timeoutMs: 10_000, detail: () => log().slice(-2000) });
    expect(out.split('\r\n')[0]).toBe(`INVITE sip:13800138000@127.0.0.1:${KAM} SIP/2.0`);
  });
});
