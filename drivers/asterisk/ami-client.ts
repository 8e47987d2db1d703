/**
 * A thin AMI client over TCP: login (the secret never leaves this file except
 * on the wire), actions correlated by ActionID (several may be in flight),
 * events to listeners. Used for MixMonitor recording, Originate and checks.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { KefuError } from '../../src/core/errors.ts';
import { AmiParser, formatAction, type AmiMessage } from './ami-parser.ts';

export interface AmiOptions {
  host: string; port: number; username: string; secret: string; timeoutMs?: number;
  /** AMI event classes to receive (e.g. 'user' for UserEvent); default none. */
  events?: string;
  /** Called when an established connection closes (not after close()). */
  onClose?: () => void;
}

export class AmiClient {
  private sock: net.Socket | null = null;
  private readonly pending = new Map<string, { resolve: (m: AmiMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(e: AmiMessage) => void>();
  banner: string | null = null;

  constructor(private readonly opts: AmiOptions) {}

  on(listener: (e: AmiMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async connect(): Promise<void> {
    const parser = new AmiParser();
    const sock = net.connect(this.opts.port, this.opts.host);
    this.sock = sock;
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => reject(new KefuError('PBX_UNREACHABLE', `AMI ${this.opts.host}:${this.opts.port}: ${err.message}`));
      sock.once('error', fail);
      sock.on('data', (d: Buffer) => {
        for (const m of parser.push(d)) {
          if (m.Banner !== undefined) { this.banner = m.Banner; sock.off('error', fail); resolve(); continue; }
          const id = m.ActionID;
          const p = id ? this.pending.get(id) : undefined;
          if (p && m.Response !== undefined) {
            clearTimeout(p.timer);
            this.pending.delete(id!);
            if (m.Response === 'Error') p.reject(new KefuError('PBX_UNREACHABLE', `AMI ${m.Message ?? 'error'}`, { amiError: m.Message ?? 'error' }));
            else p.resolve(m);
          } else if (m.Event !== undefined) {
            for (const l of this.listeners) { try { l(m); } catch { /* ignore */ } }
          }
        }
      });
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      for (const [, p] of this.pending) { clearTimeout(p.timer); p.reject(new KefuError('PBX_UNREACHABLE', 'AMI connection closed')); }
      this.pending.clear();
      if (this.sock === sock) { this.sock = null; this.opts.onClose?.(); }
    });
    await this.action('Login', { Username: this.opts.username, Secret: this.opts.secret, Events: this.opts.events ?? 'off' });
  }

  /** Send an action; resolves with its response. */
  action(action: string, fields: Record<string, string | number | undefined | string[]> = {}, timeoutMs = this.opts.timeoutMs ?? 5000): Promise<AmiMessage> {
    const sock = this.sock;
    if (!sock || sock.destroyed) return Promise.reject(new KefuError('PBX_UNREACHABLE', 'AMI not connected'));
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new KefuError('PBX_UNREACHABLE', `AMI ${action}: no response`)); }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      sock.write(formatAction(action, fields, id));
    });
  }

  async close(): Promise<void> {
    const sock = this.sock;
    this.sock = null;
    if (!sock || sock.destroyed) return;
    await this.action('Logoff').catch(() => undefined);
    await new Promise<void>((r) => { sock.once('close', () => r()); sock.end(); setTimeout(() => { sock.destroy(); r(); }, 500); });
  }
}
