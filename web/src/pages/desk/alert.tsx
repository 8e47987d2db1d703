/**
 * Agents hear the call: while a call rings on the desk, a ring tone made in
 * the browser (WebAudio: two short 440+480 Hz bursts, then a pause, like a
 * phone), a desktop notification with the customer's name or the number,
 * and the tab title shows the call ("☎ 138 0013 8000 – kefu") until it is
 * taken or ends. The ring and the notification can each be turned off; the
 * choice is kept in this browser (localStorage).
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';

const RING_KEY = 'kefu.desk.ring';
const NOTIFY_KEY = 'kefu.desk.notify';

/** On unless turned off in this browser. */
const setting = (key: string): boolean => localStorage.getItem(key) !== 'off';

let audio: AudioContext | null = null;

/** Plays the ring cadence until the returned function is called. */
function startRing(): () => void {
  audio ??= new AudioContext();
  const ctx = audio;
  let stopped = false;
  const nodes: OscillatorNode[] = [];
  const burst = (at: number, seconds: number) => {
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0.15, at);
    gain.connect(ctx.destination);
    for (const hz of [440, 480]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start(at);
      osc.stop(at + seconds);
      nodes.push(osc);
    }
  };
  const cycle = () => {
    if (stopped) return;
    const now = ctx.currentTime;
    burst(now, 0.4);
    burst(now + 0.6, 0.4);
  };
  const resumed = ctx.state === 'suspended' ? ctx.resume() : Promise.resolve();
  resumed.then(cycle, () => undefined);
  const timer = setInterval(cycle, 3000);
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const n of nodes) { try { n.stop(); } catch { /* already stopped */ } }
  };
}

function notify(title: string, body: string, tag: string): (() => void) | null {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return null;
  const n = new Notification(title, { body, tag });
  n.onclick = () => { window.focus(); n.close(); };
  return () => n.close();
}

/** Asks for the notification permission (call it from a click: browsers want a user gesture). */
export function askNotificationPermission(): void {
  if (typeof Notification === 'undefined' || !setting(NOTIFY_KEY) || Notification.permission !== 'default') return;
  Notification.requestPermission().catch(() => undefined);
}

/** While `ringing` holds a call, ring, notify and show it in the tab title. */
export function useCallAlert(ringing: { callId: string; who: string } | null): void {
  const callId = ringing?.callId ?? null;
  const who = ringing?.who ?? '';
  useEffect(() => {
    if (!callId) return;
    const before = document.title;
    document.title = t('desk.ringingTitle').replace('{who}', who);
    const stopRing = setting(RING_KEY) ? startRing() : null;
    const closeNote = setting(NOTIFY_KEY) ? notify(t('desk.notifyTitle'), who, callId) : null;
    return () => {
      stopRing?.();
      closeNote?.();
      document.title = before;
    };
  }, [callId, who]);
}

/** The two switches, for the state bar. */
export function AlertSettings() {
  const [ring, setRing] = useState(() => setting(RING_KEY));
  const [note, setNote] = useState(() => setting(NOTIFY_KEY));
  const toggle = (key: string, on: boolean, set: (v: boolean) => void) => {
    localStorage.setItem(key, on ? 'on' : 'off');
    set(on);
    if (on && key === NOTIFY_KEY) askNotificationPermission();
  };
  return (
    <span class="row small" data-testid="alert-settings">
      <label class="inline"><input type="checkbox" checked={ring} data-testid="ring-toggle"
        onChange={(e) => toggle(RING_KEY, (e.target as HTMLInputElement).checked, setRing)} /> {t('desk.ringSound')}</label>
      <label class="inline"><input type="checkbox" checked={note} data-testid="notify-toggle"
        onChange={(e) => toggle(NOTIFY_KEY, (e.target as HTMLInputElement).checked, setNote)} /> {t('desk.notifications')}</label>
    </span>
  );
}
