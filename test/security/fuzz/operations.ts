/** The operations of the OpenAPI document, with their parameters and body schemas resolved. */
import type { Schema } from './values.ts';

export interface Param { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema }
export interface Operation {
  method: string;
  /** e.g. /api/v1/customers/{id} */
  path: string;
  params: Param[];
  /** content type -> schema; absent when the operation takes no body. */
  body: Map<string, Schema> | null;
  bodyRequired: boolean;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>; requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

export function resolver(doc: OpenApiDoc): (s: Schema) => Schema {
  return (s) => {
    let cur = s;
    for (let i = 0; i < 10 && cur.$ref; i++) {
      const name = cur.$ref.replace('#/components/schemas/', '');
      const next = doc.components?.schemas?.[name];
      if (!next) throw new Error(`unresolved $ref ${cur.$ref}`);
      cur = next;
    }
    return cur;
  };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operations(doc: OpenApiDoc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      // @fastify/swagger lists the optional parameter of /x/:a/:b? on both spellings; keep those in the template.
      const params = (op.parameters ?? [])
        .filter((p) => p.in !== 'path' || path.includes(`{${p.name}}`))
        .map((p) => ({ name: p.name, in: p.in as Param['in'], required: p.required === true, schema: p.schema ?? {} }));
      const content = op.requestBody?.content;
      out.push({
        method: method.toUpperCase(), path, params,
        body: content ? new Map(Object.entries(content).map(([t, c]) => [t, c.schema ?? {}])) : null,
        bodyRequired: op.requestBody?.required === true,
      });
    }
  }
  return out;
}

/** Where ids of a path's first parameter come from: the collection before it (/api/v1/customers for /api/v1/customers/{id}/...). */
export const collectionOf = (path: string): string => path.split('/{')[0]!.replace(/\/$/, '');
