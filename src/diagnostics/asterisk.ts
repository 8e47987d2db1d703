/**
 * Asterisk checks for `kefu diagnose`: AMI and ARI reachable and
 * authenticated, version, the modules kefu needs, the Stasis application,
 * answering-machine detection for the dialer, and the endpoints of the
 * configured lines and seats.
 */
import type { Config } from '../config/schema.ts';
import { AriClient } from '../../drivers/asterisk/ari-client.ts';
import { AmiClient } from '../../drivers/asterisk/ami-client.ts';
import type { Check } from './check.ts';

export const REQUIRED_MODULES = ['res_ari.so', 'res_stasis.so', 'res_stasis_playback.so', 'res_stasis_recording.so', 'res_stasis_snoop.so', 'chan_pjsip.so', 'app_mixmonitor.so', 'res_http_websocket.so'];

const msg = (err: unknown) => (err instanceof Error ? err.message : String(err));

const command = async (ami: AmiClient, cmd: string): Promise<string> => {
  const r = await ami.action('Command', { Command: cmd }).catch(() => null);
  return r ? Object.values(r).join('\n') : '';
};

/**
 * The dialer's answering-machine detection: app_amd and the dialplan context
 * kefu-amd (dialplans/pbx/extensions.conf) that runs it and hands the leg
 * back to our Stasis application. Without the context such legs hang up at
 * the answer.
 */
async function amdCheck(ami: AmiClient, app: string): Promise<Check> {
  const title = 'answering-machine detection (dialer): app_amd and context kefu-amd';
  const module = /Running/.test(await command(ami, 'module show like app_amd'));
  const plan = await command(ami, 'dialplan show s@kefu-amd');
  const context = /AMD\(/.test(plan) && plan.includes(`Stasis(${app},`);
  const problems = [...(module ? [] : ['app_amd.so is not running']), ...(context ? [] : [`context kefu-amd with AMD() and Stasis(${app},...) not found`])];
  return {
    id: 'asterisk-amd', title, ok: problems.length === 0,
    detail: problems.length ? problems.join('; ') : 'present',
    fix: problems.length ? [
      ...(context ? [] : [`copy [kefu-amd] from dialplans/pbx/extensions.conf into extensions.conf (Stasis application ${app}), then: asterisk -rx 'dialplan reload'`]),
      ...(module ? [] : ["asterisk -rx 'module load app_amd.so' (and remove any noload line for it in modules.conf)"]),
    ].join('; ') : null,
  };
}

/**
 * Fax on the asterisk lines: res_fax with res_fax_spandsp (G.711 fax), and
 * the contexts kefu-fax / kefu-fax-done (dialplans/pbx/extensions.conf).
 */
async function faxCheck(ami: AmiClient): Promise<Check> {
  const spandsp = /Running/.test(await command(ami, 'module show like res_fax_spandsp'));
  const plan = await command(ami, 'dialplan show kefu-fax');
  const context = /ReceiveFAX\(/.test(plan) && /SendFAX\(/.test(plan);
  const problems = [...(spandsp ? [] : ['res_fax_spandsp.so is not running']), ...(context ? [] : ['context kefu-fax with ReceiveFAX and SendFAX not found'])];
  return {
    id: 'asterisk-fax', title: 'fax: res_fax_spandsp and context kefu-fax', ok: problems.length === 0,
    detail: problems.length ? problems.join('; ') : 'present',
    fix: problems.length ? [
      ...(context ? [] : ["copy [kefu-fax] and [kefu-fax-done] (and the fax lines of [from-lines]) from dialplans/pbx/extensions.conf, then: asterisk -rx 'dialplan reload'"]),
      ...(spandsp ? [] : ["install/load res_fax and res_fax_spandsp: asterisk -rx 'module load res_fax_spandsp.so'"]),
    ].join('; ') : null,
  };
}

export async function asteriskChecks(config: Readonly<Config>, opts: { appConnected?: boolean } = {}): Promise<Check[]> {
  const a = config.asterisk;
  if (!a) return [];
  const checks: Check[] = [];
  const ami = new AmiClient({ host: a.ami.host, port: a.ami.port, username: a.ami.username, secret: a.ami.secret, timeoutMs: 3000 });
  try {
    await ami.connect();
    checks.push({ id: 'asterisk-ami', title: `Asterisk AMI ${a.ami.host}:${a.ami.port}`, ok: true, detail: `logged in as ${a.ami.username} (${ami.banner ?? 'no banner'})`, fix: null });
    const missing: string[] = [];
    for (const mod of REQUIRED_MODULES) {
      const r = await ami.action('Command', { Command: `module show like ${mod.replace(/\.so$/, '')}` }).catch(() => null);
      const text = r ? Object.values(r).join('\n') : '';
      if (!/Running/.test(text)) missing.push(mod);
    }
    checks.push({
      id: 'asterisk-modules', title: 'Asterisk modules kefu needs', ok: missing.length === 0,
      detail: missing.length ? `not running: ${missing.join(', ')}` : `all ${REQUIRED_MODULES.length} running`,
      fix: missing.length ? `load them: asterisk -rx 'module load ${missing[0]}' (and remove any noload lines for them in modules.conf)` : null,
    });
    checks.push(await amdCheck(ami, a.ari.app));
    checks.push(await faxCheck(ami));
  } catch (err) {
    checks.push({ id: 'asterisk-ami', title: `Asterisk AMI ${a.ami.host}:${a.ami.port}`, ok: false, detail: msg(err),
      fix: /auth|Authentication/i.test(msg(err)) ? 'check asterisk.ami.username/secret against manager.conf' : 'is Asterisk running? manager.conf: enabled = yes, bindaddr and port as in asterisk.ami' });
  } finally {
    await ami.close().catch(() => undefined);
  }
  const ari = new AriClient({ url: a.ari.url, username: a.ari.username, password: a.ari.password, app: a.ari.app, timeoutMs: 3000 });
  try {
    const info = await ari.asteriskInfo();
    checks.push({ id: 'asterisk-ari', title: `Asterisk ARI ${a.ari.url}`, ok: true, detail: `Asterisk ${info.system.version}`, fix: null });
    const apps = await ari.applications();
    const registered = apps.some((x) => x.name === a.ari.app);
    checks.push({
      id: 'asterisk-stasis-app', title: `Stasis application "${a.ari.app}"`, ok: registered || opts.appConnected === false,
      detail: registered ? 'registered (kefu is connected)' : opts.appConnected === false ? 'not registered: kefu is not running (expected when diagnosing without the daemon)' : 'not registered',
      fix: registered || opts.appConnected === false ? null : 'start kefu (kefu serve); check asterisk.ari.app matches Stasis(...) in extensions.conf',
    });
    const endpoints = await ari.request<Array<{ technology: string; resource: string; state: string }>>('GET', '/endpoints');
    const names = new Set(endpoints.map((e) => `${e.technology}/${e.resource}`));
    const wanted = [...config.lines.filter((l) => l.driver === 'asterisk' && l.endpoint).map((l) => l.endpoint!), ...config.seats.map((s) => s.endpoint)];
    const absent = wanted.filter((w) => !names.has(w) && !/^DAHDI\/g/.test(w));
    checks.push({
      id: 'asterisk-endpoints', title: 'endpoints of the configured lines and seats', ok: absent.length === 0,
      detail: absent.length ? `not defined in Asterisk: ${absent.join(', ')}` : `${wanted.length} found`,
      fix: absent.length ? 'define them in pjsip.conf (see dialplans/README.md) and run: asterisk -rx "module reload res_pjsip.so"' : null,
    });
  } catch (err) {
    checks.push({ id: 'asterisk-ari', title: `Asterisk ARI ${a.ari.url}`, ok: false, detail: msg(err),
      fix: /401|403/.test(msg(err)) ? 'check asterisk.ari.username/password against ari.conf' : 'http.conf: enabled = yes and the address/port in asterisk.ari.url; ari.conf: enabled = yes' });
  }
  return checks;
}
