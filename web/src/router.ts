/** Hash routes: #/desk, #/ivr/main... */
import { signal } from './signal.ts';

const parse = (): string[] => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
export const route = signal<string[]>(parse());
window.addEventListener('hashchange', () => route.set(parse()));
export const go = (...parts: string[]): void => { location.hash = '#/' + parts.map(encodeURIComponent).join('/'); };
