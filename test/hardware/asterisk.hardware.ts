/**
 * The Pbx contract against a real Asterisk (the one kefu will drive), with a
 * second Asterisk set up like the lab's carrier (dialplans/lab in this repo)
 * placing the callers and playing the phones: `npm run contract:hardware`
 * with KEFU_CONTRACT_ARI (url,user,password,app), KEFU_CONTRACT_AMI and
 * KEFU_CONTRACT_CARRIER_AMI (host:port:user:secret), KEFU_CONTRACT_CALL_INTO
 * (what the carrier dials to reach the PBX) and KEFU_CONTRACT_SEATS
 * (answer,busy,noanswer seat extensions, e.g. 101,102,103) and
 * KEFU_CONTRACT_DIAL_OUT (how the PBX dials a number on the carrier, with
 * {number} for the digits, e.g. PJSIP/{number}@carrier: the carrier's
 * scripted callees answer as people and machines). The PBX needs the
 * kefu-amd context of dialplans/pbx/extensions.conf. "The PBX goes away" is
 * `core restart now` through its AMI.
 */
import { AmiClient, type AmiOptions } from '../../drivers/asterisk/ami-client.ts';
import { AriClient } from '../../drivers/asterisk/ari-client.ts';
import { asteriskFarSide } from '../contract/asterisk-far-side.ts';
import { pbxContract } from '../contract/pbx.contract.ts';
import { need } from './person.ts';
import { until } from '../helpers/wait.ts';

const ami = (v: string): AmiOptions => {
  const [host, port, username, secret] = v.split(':');
  if (!host || !port || !username || !secret) throw new Error(`expected host:port:user:secret, got ${v.replace(/:[^:]*$/, ':***')}`);
  return { host, port: Number(port), username, secret };
};

pbxContract('Asterisk driver on a real Asterisk', async () => {
  const [url, username, password, app] = need('KEFU_CONTRACT_ARI', 'url,user,password,app of the Asterisk under test').split(',');
  if (!url || !username || !password || !app) throw new Error('KEFU_CONTRACT_ARI: expected url,user,password,app');
  const ari = { url, username, password, app };
  const pbxAmi = ami(need('KEFU_CONTRACT_AMI', 'host:port:user:secret of its AMI'));
  const [answer, busy, noAnswer] = need('KEFU_CONTRACT_SEATS', 'answer,busy,noanswer seat extensions on the carrier').split(',');
  if (!answer || !busy || !noAnswer) throw new Error('KEFU_CONTRACT_SEATS: expected three extensions');
  const seat = (ext: string): [string, string] => [ext, `PJSIP/${ext}`];
  const dialOut = need('KEFU_CONTRACT_DIAL_OUT', 'how the PBX dials a number on the carrier, e.g. PJSIP/{number}@carrier');
  if (!dialOut.includes('{number}')) throw new Error('KEFU_CONTRACT_DIAL_OUT: expected {number} in it, e.g. PJSIP/{number}@carrier');
  return asteriskFarSide({
    ari, pbxAmi,
    carrierAmi: ami(need('KEFU_CONTRACT_CARRIER_AMI', 'host:port:user:secret of the carrier Asterisk')),
    callInto: need('KEFU_CONTRACT_CALL_INTO', 'what the carrier dials to reach the PBX, e.g. PJSIP/8000@pbx'),
    phones: { answer: seat(answer), busy: seat(busy), 'no-answer': seat(noAnswer) },
    dialOut: (number) => dialOut.replace('{number}', number),
    async kill() {
      const c = new AmiClient(pbxAmi);
      await c.connect();
      await c.action('Command', { Command: 'core restart now' }).catch(() => null); // the connection drops as it restarts
      await c.close().catch(() => null);
    },
    async restore() {
      const client = new AriClient(ari);
      await until('the Asterisk under test back', () => client.request('GET', '/asterisk/info').then(() => true, () => false), { timeoutMs: 120_000, intervalMs: 500 });
    },
  });
});
