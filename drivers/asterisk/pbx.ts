/**
 * The Pbx port over Asterisk: ARI for legs, bridges, media and events, AMI
 * (when configured) for whole-call recording (MixMonitor). Every ARI path
 * string kefu uses lives here. The driver turns ARI events into PbxEvents
 * and runs effects; it decides nothing about calls.
 */
import type { Logger } from 'pino';
import type { Pbx, PbxEvent, PbxHangupReason, PbxInventory, PbxListener, PbxOriginate } from '../../src/core/ports.ts';
import { isKefuError, KefuError } from '../../src/core/errors.ts';
import { AriClient, type AriOptions } from './ari-client.ts';
import { AmiClient, type AmiOptions } from './ami-client.ts';
import type { AriEvent } from './ari-events.ts';
import { AriEventTranslator, stasisEntry } from './pbx-events.ts';
import { AMD_CONTEXT, AMD_ENTRY, amdVariables } from './amd.ts';

const enc = encodeURIComponent;
const chan = (id: string): string => `/channels/${enc(id)}`;

/** ARI answers addChannel for a channel that does not exist with 400: for the port that is NOT_FOUND. */
const missingChannel = (what: string) => (err: unknown): never => {
  if (isKefuError(err, 'BAD_REQUEST')) throw new KefuError('NOT_FOUND', `${what}: ${err.message}`, undefined, { cause: err });
  throw err;
};

/** A rejection for a leg or bridge that is gone already: not an error for the idempotent operations. */
const goneOk = (err: unknown): void => {
  if (isKefuError(err, 'NOT_FOUND') || isKefuError(err, 'CONFLICT')) return;
  throw err;
};

export class AsteriskPbx implements Pbx {
  private readonly ari: AriClient;
  private ami: AmiClient | null;
  private readonly listeners = new Set<PbxListener>();
  private readonly events = new AriEventTranslator();
  private up = false;
  private readonly appName: string;

  constructor(ari: AriOptions, ami: AmiOptions | null, private readonly log: Logger) {
    this.ari = new AriClient(ari);
    this.appName = ari.app;
    this.ami = ami ? new AmiClient(ami) : null;
  }

  get canRecordCalls(): boolean { return this.ami !== null; }

  on(listener: PbxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: PbxEvent): void {
    for (const l of this.listeners) { try { l(e); } catch (err) { this.log.error({ err, event: e.type }, 'PBX event listener failed'); } }
  }

  /**
   * Asterisk handed our Stasis application to another connection (another
   * daemon subscribed with the same app name): ARI's `ApplicationReplaced`.
   * The cluster lease lets go on it (src/services/cluster); null: ignored, as before.
   */
  onApplicationReplaced: (() => void) | null = null;
  private wired = false;

  async start(): Promise<void> {
    // started again after a stop (a lease won back): the listeners are there already
    if (!this.wired) {
      this.wired = true;
      this.ari.on((e) => this.onAri(e));
      this.ari.onStatus((s, reason) => {
        const up = s === 'connected';
        if (up === this.up) return;
        this.up = up;
        this.emit({ type: 'link', up, ...(reason ? { reason } : {}) });
      });
    }
    await this.ami?.connect().catch((err: unknown) => { this.log.warn({ err }, 'AMI not available: calls are not recorded'); this.ami = null; });
    await this.ari.connect().catch((err: unknown) => this.log.warn({ err }, 'ARI not reachable yet; retrying'));
  }

  async stop(): Promise<void> {
    await this.ari.close();
    await this.ami?.close();
  }

  private onAri(e: AriEvent): void {
    if ((e as { type: string }).type === 'ApplicationReplaced') { this.onApplicationReplaced?.(); return; }
    if (AriEventTranslator.isAmdEntry(e)) void this.listen(e.channel.id);
    const ev = this.events.translate(e);
    if (ev) this.emit(ev);
  }

  /** An answered AMD leg goes on to the detector (amd.ts), then comes back with the verdict. */
  private async listen(legId: string): Promise<void> {
    try {
      await this.ari.request('POST', `${chan(legId)}/continue`, { context: AMD_CONTEXT, extension: 's', priority: 1 });
    } catch (err) {
      if (isKefuError(err, 'NOT_FOUND') || isKefuError(err, 'CONFLICT')) return; // it hung up already: legGone follows
      this.log.warn({ err, legId }, 'answering-machine detection did not start; the leg enters without a verdict');
      const ev = this.events.detectionNotStarted(legId);
      if (ev) this.emit(ev);
    }
  }

  async originate(o: PbxOriginate): Promise<{ id: string; name: string }> {
    this.events.forget(o.id);
    const leg = [o.role, ...o.args];
    const amd = o.detectMachine ? o.detectMachine : null;
    const ch = await this.ari.request<{ id: string; name: string }>('POST', '/channels', {
      endpoint: o.endpoint, app: this.appName, appArgs: (amd ? [AMD_ENTRY, ...leg] : leg).join(','), channelId: o.id, timeout: o.timeoutS, callerId: o.callerId,
    }, amd ? { variables: amdVariables(leg, amd) } : undefined);
    return { id: ch.id, name: ch.name };
  }

  answer(legId: string): Promise<void> { return this.ari.answer(legId); }

  async hangup(legId: string, reason: PbxHangupReason = 'normal'): Promise<void> {
    await this.ari.hangup(legId, reason).catch(goneOk);
  }

  async ring(legId: string, on: boolean): Promise<void> {
    if (on) await this.ari.ring(legId);
    else await this.ari.request('DELETE', `${chan(legId)}/ring`).catch(goneOk);
  }

  async moh(legId: string, on: boolean): Promise<void> {
    if (on) await this.ari.request('POST', `${chan(legId)}/moh`);
    else await this.ari.request('DELETE', `${chan(legId)}/moh`).catch(goneOk);
  }

  async bridge(legIds: string[]): Promise<string> {
    const bridge = await this.ari.request<{ id: string }>('POST', '/bridges', { type: 'mixing' });
    try {
      await this.ari.request('POST', `/bridges/${enc(bridge.id)}/addChannel`, { channel: legIds.join(',') }).catch(missingChannel('bridge'));
    } catch (err) {
      await this.destroyBridge(bridge.id).catch(() => undefined); // the bridge is empty; the error that matters is rethrown below
      throw err;
    }
    return bridge.id;
  }

  async addToBridge(bridgeId: string, legId: string): Promise<void> {
    await this.ari.request('POST', `/bridges/${enc(bridgeId)}/addChannel`, { channel: legId }).catch(missingChannel('addToBridge'));
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.ari.request('DELETE', `/bridges/${enc(bridgeId)}`).catch(goneOk);
  }

  async snoop(legId: string, opts: { id: string; whisper: boolean; args: string[] }): Promise<void> {
    // spy on both directions; whisper "out" = towards that channel's phone only
    await this.ari.request('POST', `${chan(legId)}/snoop/${encodeURIComponent(opts.id)}`, {
      spy: 'both', whisper: opts.whisper ? 'out' : 'none', app: this.appName, appArgs: ['snoop', ...opts.args].join(','),
    });
  }

  async play(legId: string, file: string, playbackId: string): Promise<void> {
    await this.ari.play(legId, `sound:${file}`, playbackId);
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.ari.stopPlayback(playbackId).catch(goneOk);
  }

  async recordCall(leg: { name: string }, path: string): Promise<void> {
    if (!this.ami) throw new Error('recording needs the AMI connection (asterisk.ami)');
    await this.ami.action('MixMonitor', { Channel: leg.name, File: path });
  }

  async stopCallRecording(leg: { name: string }): Promise<void> {
    await this.ami?.action('StopMixMonitor', { Channel: leg.name });
  }

  async recordMessage(legId: string, opts: { name: string; maxS: number; beep: boolean; maxSilenceS?: number; terminateOn?: '#' | 'any' }): Promise<void> {
    await this.ari.request('POST', `${chan(legId)}/record`, {
      name: opts.name, format: 'wav', maxDurationSeconds: opts.maxS, beep: opts.beep, terminateOn: opts.terminateOn ?? '#', ifExists: 'overwrite',
      ...(opts.maxSilenceS !== undefined ? { maxSilenceSeconds: opts.maxSilenceS } : {}),
    });
  }

  async takeRecording(name: string): Promise<Buffer | null> {
    const stored = `/recordings/stored/${enc(name)}`;
    const wav = await this.ari.fetchFile(`${stored}/file`).catch(() => null);
    await this.ari.request('DELETE', stored).catch(() => undefined); // we have its audio; a copy left on the PBX only takes disk there
    return wav;
  }

  async legs(): Promise<string[]> {
    const app = await this.ari.request<{ channel_ids: string[] }>('GET', `/applications/${enc(this.appName)}`);
    return app.channel_ids;
  }

  /** This Asterisk's entity id (asterisk.conf `entityid`); null when it cannot be read. */
  async entityId(): Promise<string | null> {
    return (await this.ari.asteriskInfo().catch(() => null))?.system.entity_id ?? null;
  }

  async sipCallId(legId: string): Promise<string | null> {
    const r = await this.ari.request<{ value: string }>('GET', `${chan(legId)}/variable`, { variable: 'CHANNEL(pjsip,call-id)' }).catch(() => null);
    return r?.value || null;
  }

  async inventory(): Promise<PbxInventory> {
    const ours = new Set(await this.legs());
    const channels = await this.ari.request<Array<{ id: string; name: string; caller: { name: string; number: string }; creationtime?: string; dialplan?: { app_name?: string; app_data?: string } }>>('GET', '/channels');
    const bridges = await this.ari.request<Array<{ id: string; bridge_type: string; channels: string[] }>>('GET', '/bridges');
    return {
      legs: channels.filter((c) => ours.has(c.id)).map((c) => {
        const entry = stasisEntry(c.dialplan, this.appName);
        return { id: c.id, name: c.name, callerNumber: c.caller.number, callerName: c.caller.name, role: entry?.role ?? null, args: entry?.args ?? [], createdAt: isoTime(c.creationtime) };
      }),
      bridges: bridges.filter((b) => b.bridge_type === 'mixing').map((b) => ({ id: b.id, legIds: b.channels.filter((id) => ours.has(id)) })),
    };
  }
}

/** ARI's time ("2026-12-02T17:00:00.123+0000") as ISO 8601; null when absent or unreadable. */
function isoTime(t: string | undefined): string | null {
  if (!t) return null;
  const ms = Date.parse(t.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
