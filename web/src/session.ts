/** Who is signed in, as /auth/session says; null before sign-in. */
import { api } from './api.ts';
import { signal } from './signal.ts';

export interface User { id: string; username: string; displayName: string; role: 'admin' | 'supervisor' | 'agent'; agentId: string | null; locale: 'en' | 'zh-CN' | null }
export interface Me { kind: 'user' | 'key'; role: string; name: string; user: User | null; demo: boolean; pbx: boolean; lineDial: boolean }

export const me = signal<Me | null | undefined>(undefined);

export async function refreshMe(): Promise<void> {
  try {
    const s = await api.get<{ user: User | null; demo: boolean; pbx: boolean; lineDial: boolean }>('/auth/session');
    me.set(s.user ? { kind: 'user', role: s.user.role, name: s.user.displayName, user: s.user, demo: s.demo, pbx: s.pbx, lineDial: s.lineDial } : null);
  } catch { me.set(null); }
}

export async function signOut(): Promise<void> {
  await api.post('/auth/logout').catch(() => undefined);
  me.set(null);
}
