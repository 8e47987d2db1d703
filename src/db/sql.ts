/** Small helpers for building parameterised SQL. Values always go in params. */

/** A SET list for the fields present in input; appends their values to params. */
export function patchSets<I extends object>(input: I, fields: ReadonlyArray<readonly [keyof I, string, string?]>, params: unknown[]): string[] {
  const sets: string[] = [];
  for (const [key, col, cast] of fields) {
    const v = input[key];
    if (v === undefined) continue;
    params.push(cast === '::jsonb' ? JSON.stringify(v) : v);
    sets.push(`${col} = $${params.length}${cast ?? ''}`);
  }
  return sets;
}

/** A LIKE pattern that matches text anywhere, with the wildcards in it escaped. */
export const containsPattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Appends a keyset condition "(col, id) > (cursor)" when a cursor is given. */
export function afterCursor(cursor: { at: string; id: string } | null, col: string, params: unknown[], desc = false): string | null {
  if (!cursor) return null;
  params.push(cursor.at, cursor.id);
  return `(${col}, id) ${desc ? '<' : '>'} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
}

export const whereClause = (conds: Array<string | null>): string => {
  const c = conds.filter((x): x is string => !!x);
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
};
