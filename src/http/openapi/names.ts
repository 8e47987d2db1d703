/**
 * Names for operations, made from the method and the path alone so that every
 * route (those added later included) gets a stable one without editing it:
 *
 *   GET    /customers                 customers.list     (a page or an array)
 *   GET    /customers/{id}            customers.get
 *   POST   /customers                 customers.create   (a path that also has a GET)
 *   PATCH  /customers/{id}            customers.update
 *   PUT    /customers/{id}            customers.set
 *   DELETE /customers/{id}            customers.delete
 *   POST   /campaigns/{id}/start      campaigns.start    (a POST-only path: its last word is the action)
 *   GET    /customers/{id}/interactions   customers.interactions.list
 *
 * Path parameters never appear in the name; hyphenated words become camelCase
 * (wrap-up → wrapUp). Two routes that would share a name are told apart by
 * the one with more path parameters taking "By<Param>" (see uniqueIds).
 */

export const API_PREFIX = '/api/v1';

export type Verb = 'list' | 'get' | 'create' | 'update' | 'set' | 'delete' | string;

const camel = (s: string): string => s.replace(/[-_.]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
const isParam = (seg: string): boolean => seg.startsWith('{') || seg.startsWith(':');

/** The words of a path (no prefix, no parameters), camelCased. */
export function pathWords(path: string): string[] {
  const rest = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
  return rest.split('/').filter((s) => s !== '' && !isParam(s)).map(camel);
}

export interface NameInput {
  method: string;
  path: string;
  /** Other methods on the same path (upper case). */
  siblings: readonly string[];
  /** The 200 answer is a list (an array, or a page {items,next}). */
  returnsList: boolean;
}

/** "resource.verb" for an operation. */
export function operationName({ method, path, siblings, returnsList }: NameInput): string {
  const m = method.toUpperCase();
  const segs = (path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path).split('/').filter(Boolean);
  const words = pathWords(path);
  if (words.length === 0) return `root.${m.toLowerCase()}`;
  const lastIsParam = segs.length > 0 && isParam(segs[segs.length - 1]!);
  const resource = words.join('.');
  switch (m) {
    case 'GET': case 'HEAD': return `${resource}.${!lastIsParam && returnsList ? 'list' : 'get'}`;
    case 'PATCH': return `${resource}.update`;
    case 'PUT': return `${resource}.set`;
    case 'DELETE': return `${resource}.delete`;
    case 'POST': {
      // A collection (the path can be read too, or ends in a parameter): create in it; else the last word is the action.
      if (lastIsParam || siblings.includes('GET') || words.length === 1) return `${resource}.create`;
      return `${words.slice(0, -1).join('.')}.${words[words.length - 1]}`;
    }
    default: return `${resource}.${m.toLowerCase()}`;
  }
}

/**
 * Makes names unique: among operations sharing a name, each one with more path
 * parameters than the fewest takes "By<LastParam>"; any still equal take the
 * method. Deterministic whatever the order of the routes.
 */
export function uniqueIds(ops: Array<{ key: string; name: string; path: string; method: string }>): Map<string, string> {
  const out = new Map<string, string>();
  const groups = new Map<string, typeof ops>();
  for (const o of ops) groups.set(o.name, [...(groups.get(o.name) ?? []), o]);
  const params = (p: string) => p.split('/').filter(isParam).map((s) => s.replace(/[{}:]/g, ''));
  for (const [name, group] of groups) {
    if (group.length === 1) { out.set(group[0]!.key, name); continue; }
    const fewest = Math.min(...group.map((o) => params(o.path).length));
    const named = group.map((o) => {
      const ps = params(o.path);
      const last = ps[ps.length - 1] ?? '';
      return { o, id: ps.length > fewest ? `${name}By${last.charAt(0).toUpperCase()}${camel(last.slice(1))}` : name };
    });
    for (const n of named) {
      const clash = named.filter((x) => x.id === n.id).length > 1;
      out.set(n.o.key, clash ? `${n.id}${n.o.method.charAt(0).toUpperCase()}${n.o.method.slice(1).toLowerCase()}` : n.id);
    }
  }
  return out;
}

const singular = (w: string): string => {
  if (/ies$/.test(w)) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && /[^su]s$/.test(w) && !/(ss|us|is|sms)$/.test(w)) return w.slice(0, -1);
  return w;
};
const spaced = (w: string): string => w.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** A plain-English summary from a name: customers.list → "List customers", campaigns.start → "Start campaign"
 * (an action: its verb, then the thing it acts on). */
export function summaryOf(operationId: string): string {
  const parts = operationId.replace(/By[A-Z].*$/, '').split('.');
  const verb = parts.pop() ?? '';
  const nouns = parts.map((w, i) => spaced(i === parts.length - 1 && verb === 'list' ? w : singular(w)));
  const thing = nouns.join(' ');
  const lead: Record<string, string> = { list: 'List', get: 'Get', create: 'Create', update: 'Update', set: 'Replace', delete: 'Delete' };
  const text = lead[verb] ? `${lead[verb]} ${thing}` : `${spaced(verb)} ${thing}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
