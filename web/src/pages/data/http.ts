/** Sending a file as the request body with its own content type (CSV, vCard). */
import { ApiError } from '../../api.ts';

export async function postFile<T>(path: string, body: string, contentType: string): Promise<T> {
  const res = await fetch(`/api/v1${path}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': `${contentType}; charset=utf-8` }, body });
  if (!res.ok) {
    let code = 'HTTP_' + res.status; let message = res.statusText; let details: unknown;
    try { const j = (await res.json()) as { error?: { code: string; message: string; details?: unknown } }; if (j.error) ({ code, message, details } = j.error); } catch { /* not JSON */ }
    if (res.status === 401) window.dispatchEvent(new CustomEvent('kefu:signed-out'));
    throw new ApiError(res.status, code, message, details);
  }
  return (await res.json()) as T;
}

/** Reads a chosen file as text (UTF-8; a BOM is kept, the server skips it). */
export const readText = (file: File): Promise<string> => file.text();

