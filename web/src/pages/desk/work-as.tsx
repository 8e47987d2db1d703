/** A user who works as no agent: on a single line they start working the desk as themselves (their own agent, never another's). */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { errorText } from '../../components/ui.tsx';
import { refreshMe } from '../../session.ts';

export function WorkAs({ name, canStart }: { name: string; canStart: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setError(null);
    try {
      await api.post('/users/me/agent');
      await refreshMe();
    } catch (err) { setError(errorText(err)); }
  };
  if (!canStart) return <div class="card" data-testid="no-agent">{t('desk.noAgent')}</div>;
  return (
    <div class="card" data-testid="no-agent">
      <p>{t('desk.workAsHint')}</p>
      <button type="button" class="primary" onClick={() => void start()} data-testid="work-as">{t('desk.workAs').replace('{name}', name)}</button>
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
