/** Who is signed in, as /auth/me says; null before sign-in. */
import { api } from './api.ts';
import { signal } from './signal.ts';

export interface User { id: string; username: string; displayName: string; role: 'admin' | 'supervisor' | 'agent'; agentId: string | null; locale: 'en' | 'zh-CN' | null }
export interface Me { kind: 'user' | 'key'; role: string; name: string; user: User | null; demo: boolean; pbx: boolean }

export const me = signal<Me | null | undefined>(undefined);

export async function refreshMe(): Promise<void> {
  try { me.set(await api.get<Me>('/auth/me')); } catch { me.set(null); }
}

export async function signOut(): Promise<void> {
  await api.post('/auth/logout').catch(() => undefined);
  me.set(null);
}
