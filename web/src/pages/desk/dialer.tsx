/** Click-to-dial: find a customer or contact, then call them from my seat or the modem line (CallButton). */
import { useState } from 'preact/hooks';
import { api, qs } from '../../api.ts';
import { fmtPhone, t } from '../../i18n.ts';
import { errorText } from '../../components/ui.tsx';
import { CallButton, useMySeat } from '../data/dial.tsx';

interface Person { id: string; name: string; phones: Array<{ number: string }> }

export function Dialer() {
  const seat = useMySeat();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Person[]>([]);
  const [error, setError] = useState<string | null>(null);
  const search = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const [c, k] = await Promise.all([api.get<{ items: Person[] }>(`/customers${qs({ q, limit: 10 })}`), api.get<{ items: Person[] }>(`/contacts${qs({ q, limit: 10 })}`)]);
      setFound([...c.items, ...k.items]);
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <section class="card">
      <h2>{t('desk.dial')}</h2>
      <form class="row" onSubmit={(e) => void search(e)}>
        <label class="sr-only" for="dial-q">{t('desk.findCustomer')}</label>
        <input id="dial-q" placeholder={t('desk.findCustomer')} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('common.search')}</button>
      </form>
      <ul>{found.flatMap((p) => p.phones.map((ph) => (
        <li class="row">{p.name} <span class="muted">{fmtPhone(ph.number)}</span><CallButton number={ph.number} seat={seat} /></li>
      )))}</ul>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
