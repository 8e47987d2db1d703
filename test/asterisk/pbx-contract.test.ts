/**
 * The Pbx contract (test/contract/pbx.contract.ts) against the Asterisk
 * driver on the lab: the carrier places the callers and plays the phones;
 * "the PBX goes away" is a SIGKILL of the lab's pbx instance, and it comes
 * back through the lab script.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { until } from '../helpers/wait.ts';
import { asteriskFarSide } from '../contract/asterisk-far-side.ts';
import { pbxContract } from '../contract/pbx.contract.ts';

let lab: Lab | undefined;
afterAll(async () => { await lab?.stop(); });

/** Deadline-polled: the killed process is gone. */
async function exited(pid: number): Promise<void> {
  const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
  await until(`pid ${pid} gone`, () => !alive(), { timeoutMs: 5000, intervalMs: 50 });
}

pbxContract('Asterisk driver on the lab', async () => {
  lab = await startLab();
  const l = lab;
  const e = l.env;
  const ami = (port: string, user: string, secret: string) => ({ host: '127.0.0.1', port: Number(port), username: user, secret });
  const seat = (ext: string): [string, string] => [ext, `PJSIP/${ext}`];
  return asteriskFarSide({
    ari: { url: e.KEFU_LAB_PBX_ARI_URL!, username: e.KEFU_LAB_PBX_ARI_USER!, password: e.KEFU_LAB_PBX_ARI_PASSWORD!, app: e.KEFU_LAB_PBX_ARI_APP! },
    pbxAmi: ami(e.KEFU_LAB_PBX_AMI_PORT!, e.KEFU_LAB_PBX_AMI_USER!, e.KEFU_LAB_PBX_AMI_SECRET!),
    carrierAmi: ami(e.KEFU_LAB_CARRIER_AMI_PORT!, e.KEFU_LAB_CARRIER_AMI_USER!, e.KEFU_LAB_CARRIER_AMI_SECRET!),
    callInto: 'PJSIP/8000@pbx',
    phones: { answer: seat('101'), busy: seat('102'), 'no-answer': seat('103') },
    dialOut: (number) => `PJSIP/${number}@${e.KEFU_LAB_PBX_TRUNK!}`,
    async kill() {
      const pid = Number(readFileSync(join(l.dir, 'pbx', 'asterisk.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      await exited(pid);
    },
    async restore() { l.restart('pbx', { crash: true }); },
    // the caller's own phone hangs up: the carrier's channel with that caller ID (concise: name!context!exten!prio!state!app!data!callerid!...)
    async farHangup(leg) {
      const line = l.cli('carrier', 'core show channels concise').split('\n').find((x) => x.split('!')[7] === leg.callerNumber);
      if (!line) throw new Error(`no carrier channel with caller ID ${leg.callerNumber}`);
      l.cli('carrier', `channel request hangup ${line.split('!')[0]}`);
    },
  });
});
