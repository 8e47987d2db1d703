/** Users (admin): console accounts; create, change role / name / agent, disable, reset the password, delete. */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { t, fmtDateTime } from '../i18n.ts';
import { me } from '../session.ts';
import { useSignal } from '../signal.ts';
import { ErrorNote, Section, errorText, toast, useLoad } from '../components/ui.tsx';
import { inputValue } from './data/format.ts';

type Role = 'admin' | 'supervisor' | 'agent';
interface User { id: string; username: string; displayName: string; role: Role; agentId: string | null; locale: string | null; createdAt: string; disabled: boolean }
const ROLES: Role[] = ['agent', 'supervisor', 'admin'];

export function Users(_props: { params: string[] }) {
  const who = useSignal(me);
  const users = useLoad(() => api.get<{ items: User[] }>('/users'), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [list, setList] = useState<User[] | null>(null);
  const items = list ?? users.data?.items ?? [];
  const replace = (u: User) => setList(items.map((x) => (x.id === u.id ? u : x)));

  const remove = async (u: User) => {
    if (!confirm(`${t('common.confirmDelete')}\n${u.username}`)) return;
    try { await api.del(`/users/${u.id}`); setList(items.filter((x) => x.id !== u.id)); toast(t('data.deleted')); } catch (err) { alert(errorText(err)); }
  };

  return (
    <div class="page" data-testid="users-page">
      <div class="row page-head">
        <h1>{t('users.title')}</h1><span class="spacer" />
        <button type="button" class="primary" onClick={() => setCreating(true)} disabled={creating} data-testid="new-user">{t('users.new')}</button>
      </div>
      {creating && (
        <Section title={t('users.new')}>
          <NewUser onCancel={() => setCreating(false)} onCreated={(u) => { setList([...items, u]); setCreating(false); toast(t('common.saved')); }} />
        </Section>
      )}
      <section class="card">
        <ErrorNote error={users.error} />
        {!users.data && !users.error && <p class="muted" role="status">{t('common.loading')}</p>}
        <div class="table-wrap">
          <table data-testid="user-table">
            <thead><tr>
              <th scope="col">{t('login.username')}</th><th scope="col">{t('users.displayName')}</th><th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.agentId')}</th><th scope="col">{t('common.state')}</th><th scope="col">{t('data.created')}</th>
              <th scope="col"><span class="sr-only">{t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
              {items.map((u) => editing === u.id ? (
                <tr key={u.id} data-testid={`user-row-${u.id}`} class="editing">
                  <td colSpan={7}>
                    <EditUser user={u} self={who?.user?.id === u.id} onCancel={() => setEditing(null)} onSaved={(x) => { replace(x); setEditing(null); toast(t('common.saved')); }} />
                  </td>
                </tr>
              ) : (
                <tr key={u.id} data-testid={`user-row-${u.id}`} class={u.disabled ? 'disabled' : ''}>
                  <td class="mono">{u.username}</td>
                  <td>{u.displayName}</td>
                  <td><span class={`badge role-${u.role}`}>{t(`role.${u.role}`)}</span></td>
                  <td>{u.agentId ?? '–'}</td>
                  <td>{u.disabled ? <span class="badge offline">{t('users.disabled')}</span> : <span class="badge idle">{t('users.active')}</span>}</td>
                  <td class="nowrap">{fmtDateTime(u.createdAt)}</td>
                  <td class="actions">
                    <button type="button" onClick={() => setEditing(u.id)} aria-label={`${t('common.edit')} ${u.username}`} data-testid={`user-edit-${u.id}`}>{t('common.edit')}</button>
                    {who?.user?.id !== u.id && <button type="button" class="danger" onClick={() => void remove(u)} aria-label={`${t('common.delete')} ${u.username}`} data-testid={`user-delete-${u.id}`}>{t('common.delete')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function NewUser({ onCreated, onCancel }: { onCreated: (u: User) => void; onCancel: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [password, setPassword] = useState('');
  const [agentId, setAgentId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const u = await api.post<User>('/users', { username: username.trim(), displayName: displayName.trim(), role, password, ...(agentId.trim() ? { agentId: agentId.trim() } : {}) });
      onCreated(u);
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} data-testid="user-form">
      <div class="form-grid">
        <label>{t('login.username')}<input required pattern="[a-z0-9][a-z0-9._\-]{1,39}" autocomplete="off" value={username} onInput={(e) => setUsername(inputValue(e))} aria-describedby="user-username-hint" data-testid="user-username" />
          <span class="small muted" id="user-username-hint">{t('users.usernameHint')}</span></label>
        <label>{t('users.displayName')}<input required maxLength={100} value={displayName} onInput={(e) => setDisplayName(inputValue(e))} data-testid="user-display-name" /></label>
        <label>{t('users.role')}
          <select value={role} onChange={(e) => setRole(inputValue(e) as Role)} data-testid="user-role">{ROLES.map((r) => <option value={r} key={r}>{t(`role.${r}`)}</option>)}</select>
        </label>
        <label>{t('login.password')}<input required type="password" minLength={8} maxLength={200} autocomplete="new-password" value={password} onInput={(e) => setPassword(inputValue(e))} aria-describedby="user-password-hint" data-testid="user-password" />
          <span class="small muted" id="user-password-hint">{t('users.passwordHint')}</span></label>
        <label>{t('users.agentId')}<input pattern="[a-z0-9\-]+" maxLength={64} value={agentId} placeholder={role === 'agent' ? t('users.agentAuto') : ''} onInput={(e) => setAgentId(inputValue(e))} aria-describedby="user-agent-hint" data-testid="user-agent-id" />
          <span class="small muted" id="user-agent-hint">{t('users.agentHint')}</span></label>
      </div>
      <ErrorNote error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid="user-save">{t('common.save')}</button>
        <button type="button" onClick={onCancel} data-testid="user-cancel">{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function EditUser({ user, self, onSaved, onCancel }: { user: User; self: boolean; onSaved: (u: User) => void; onCancel: () => void }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [agentId, setAgentId] = useState(user.agentId ?? '');
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    if (displayName.trim() !== user.displayName) patch.displayName = displayName.trim();
    if (role !== user.role) patch.role = role;
    if ((agentId.trim() || null) !== user.agentId) patch.agentId = agentId.trim() || null;
    if (disabled !== user.disabled) patch.disabled = disabled;
    if (password) patch.password = password;
    if (Object.keys(patch).length === 0) { onCancel(); return; }
    setBusy(true); setError(null);
    try { onSaved(await api.patch<User>(`/users/${user.id}`, patch)); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const p = `user-${user.id}`;
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} data-testid={`user-edit-form-${user.id}`}>
      <strong class="mono">{user.username}</strong>
      <div class="form-grid">
        <label>{t('users.displayName')}<input required maxLength={100} value={displayName} onInput={(e) => setDisplayName(inputValue(e))} data-testid={`${p}-display-name`} /></label>
        <label>{t('users.role')}
          <select value={role} disabled={self} onChange={(e) => setRole(inputValue(e) as Role)} data-testid={`${p}-role`}>{ROLES.map((r) => <option value={r} key={r}>{t(`role.${r}`)}</option>)}</select>
        </label>
        <label>{t('users.agentId')}<input pattern="[a-z0-9\-]+" maxLength={64} value={agentId} onInput={(e) => setAgentId(inputValue(e))} data-testid={`${p}-agent-id`} /></label>
        <label>{t('users.resetPassword')}<input type="password" minLength={8} maxLength={200} autocomplete="new-password" value={password} placeholder={t('users.passwordKeep')} onInput={(e) => setPassword(inputValue(e))} data-testid={`${p}-password`} /></label>
        <label class="check"><input type="checkbox" checked={disabled} disabled={self} onChange={(e) => setDisabled((e.target as HTMLInputElement).checked)} data-testid={`${p}-disabled`} /> {t('users.disabled')}</label>
      </div>
      {(password || disabled !== user.disabled || role !== user.role) && <p class="small muted">{t('users.sessionsNote')}</p>}
      <ErrorNote error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid={`${p}-save`}>{t('common.save')}</button>
        <button type="button" onClick={onCancel} data-testid={`${p}-cancel`}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
