/** SMS: conversations per number, the messages of one, a send form, dongle state; live on sms.* events. */
import { useEffect, useState } from 'preact/hooks';
import { api, events, qs } from '../api.ts';
import { t, fmtDateTime, fmtPhone } from '../i18n.ts';
import { ErrorNote, errorText, toast } from '../components/ui.tsx';
import { known } from './data/calls.tsx';

interface Sms { id: string; direction: 'inbound' | 'outbound'; number: string; text: string; parts: number; status: string; error: string | null; incomplete: boolean; createdAt: string }
interface Thread { number: string; customerId: string | null; messages: number; last: Sms }
interface Dongle { id: string; state: string; signal: { csq: number | null; dbm: number | null }; smsc: string | null; problem: string | null; queued: number }

export function SmsPage(_props: { params: string[] }) {
  const [threads, setThreads] = useState<Thread[]>([]);
  const [dongles, setDongles] = useState<Dongle[] | null>(null);
  const [number, setNumber] = useState<string | null>(null);
  const [messages, setMessages] = useState<Sms[]>([]);
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);

  useEffect(() => {
    api.get<{ items: Thread[] }>('/sms/threads' + qs({ limit: 100 })).then((r) => setThreads(r.items), (e: unknown) => setError(errorText(e)));
    api.get<{ items: Dongle[] }>('/sms/dongles').then((r) => setDongles(r.items), () => undefined);
    if (number) api.get<{ items: Sms[] }>(`/sms/threads/${encodeURIComponent(number)}` + qs({ limit: 200 })).then((r) => setMessages(r.items.slice().reverse()), (e: unknown) => setError(errorText(e)));
  }, [number, n]);
  useEffect(() => events.on((e) => { if (e.type === 'sms.received' || e.type === 'sms.status') setN((x) => x + 1); }), []);

  const open = (num: string) => { setNumber(num); setTo(num); };
  const send = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.post<{ items: Sms[]; refused: Array<{ message: string }> }>('/sms', { to, text });
      if (r.refused.length) setError(`${t('sms.refused')}: ${r.refused.map((x) => x.message).join('; ')}`);
      if (r.items[0]) { toast(t('sms.sent')); setText(''); setNumber(r.items[0].number); }
      setN((x) => x + 1);
    } catch (err) { setError(errorText(err)); }
  };
  const demo = !!dongles?.some((d) => d.id === 'demo-sms');

  return (
    <div class="page" data-testid="sms-page">
      <div class="row page-head"><h1>{t('sms.title')}</h1><span class="spacer" />
        <span class="muted small" data-testid="sms-dongles">
          {dongles === null ? '' : dongles.length === 0 ? t('sms.noDongle') : dongles.map((d) => `${d.id}: ${d.state}${d.signal.csq !== null ? ` · ${t('sms.signal')} ${d.signal.csq}` : ''} · ${t('sms.queued')} ${d.queued}${d.problem ? ` · ${d.problem}` : ''}`).join(' | ')}
        </span>
      </div>
      <ErrorNote error={error} />
      <div class="row" style={{ alignItems: 'flex-start', gap: '1rem' }}>
        <section class="card" style={{ minWidth: '16rem' }} aria-label={t('sms.threads')}>
          <h2>{t('sms.threads')}</h2>
          {threads.length === 0 && <p class="muted">{t('sms.noThreads')}</p>}
          <ul class="plain" data-testid="sms-threads">
            {threads.map((th) => (
              <li key={th.number}>
                <button type="button" class={`link${th.number === number ? ' active' : ''}`} onClick={() => open(th.number)} data-testid={`sms-thread-${th.number}`}>
                  <strong>{fmtPhone(th.number)}</strong> <span class="muted small">({th.messages})</span>
                </button>
                <div class="muted small">{th.last.text.slice(0, 40)}</div>
              </li>
            ))}
          </ul>
        </section>
        <section class="card" style={{ flex: 1 }}>
          {!number && <p class="muted">{t('sms.pick')}</p>}
          <div data-testid="sms-messages">
            {number && messages.map((m) => (
              <div key={m.id} class={`sms-msg ${m.direction}`} style={{ textAlign: m.direction === 'outbound' ? 'right' : 'left', margin: '0.4rem 0' }} data-testid={`sms-msg-${m.id}`}>
                <div style={{ whiteSpace: 'pre-wrap' }}>{m.text}</div>
                <div class="muted small">
                  {fmtDateTime(m.createdAt)} · <span data-testid={`sms-status-${m.id}`}>{known('sms.status.', m.status)}</span>
                  {m.parts > 1 ? ` · ${m.parts} ${t('sms.parts')}` : ''}{m.incomplete ? ` · ${t('sms.incomplete')}` : ''}{m.error ? ` · ${m.error}` : ''}
                </div>
              </div>
            ))}
          </div>
          <form onSubmit={(e) => void send(e)} aria-label={t('sms.send')}>
            <label>{t('sms.to')}<input name="sms-to" value={to} required onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
            <label>{t('sms.text')}<textarea name="sms-text" value={text} required maxLength={700} rows={3} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
            <button type="submit" class="primary" data-testid="sms-send">{t('sms.send')}</button>
          </form>
          {demo && <DemoInbound />}
        </section>
      </div>
    </div>
  );
}

/** Under --demo: the simulated network delivers a message. */
function DemoInbound() {
  const [from, setFrom] = useState('13912345678');
  const [text, setText] = useState('你好，我想咨询一下');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    api.post('/sms/demo/inbound', { from, text }).then(() => setError(null), (err: unknown) => setError(errorText(err)));
  };
  return (
    <form class="demo" onSubmit={submit} aria-label={t('sms.demoInbound')} data-testid="sms-demo-inbound">
      <strong>{t('sms.demoInbound')}</strong>
      <label>{t('sms.demoFrom')}<input name="sms-demo-from" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></label>
      <label>{t('sms.text')}<input name="sms-demo-text" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">{t('sms.send')}</button>
      {error && <span class="error" role="alert">{error}</span>}
    </form>
  );
}
