import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { refreshMe } from '../session.ts';

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      await api.post('/auth/login', { username, password });
      await refreshMe();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally { setBusy(false); }
  };
  return (
    <form class="login card" onSubmit={(e) => void submit(e)}>
      <h1>kefu <span class="muted">客服</span></h1>
      <h2>{t('login.title')}</h2>
      <label>{t('login.username')}<input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} /></label>
      <label>{t('login.password')}<input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
      {error && <p class="error" role="alert">{t('login.failed')}: {error}</p>}
      <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
      <p class="muted small">{t('login.hint')}</p>
    </form>
  );
}
