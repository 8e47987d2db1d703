/** A scheme definition from a request: its shape by kind (TypeBox), then the rules (core), each problem naming the field. */
import { Value } from 'typebox/value';
import { KefuError } from '../../core/errors.ts';
import { validateIndividual, validateTeam, type IndividualDefinition, type SchemeDefinition, type SchemeKind, type TeamDefinition } from '../../core/scorecards/scheme.ts';
import type { ScorecardRepo } from '../../db/repos/scorecards.ts';
import { IndividualDef, TeamDef } from './schemas.ts';

const fail = (details: Array<{ field: string; message: string }>): never => {
  throw new KefuError('BAD_REQUEST', details.map((d) => `${d.field}: ${d.message}`).join('; '), { field: details[0]!.field, problems: details });
};

export async function checkDefinition(kind: SchemeKind, raw: unknown, repo: ScorecardRepo, field = 'body.definition'): Promise<SchemeDefinition> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail([{ field, message: 'must be an object' }]);
  const schema = kind === 'individual' ? IndividualDef : TeamDef;
  const value = Value.Default(schema, structuredClone(raw));
  const shape = [...Value.Errors(schema, value)].filter((e) => e.keyword !== 'boolean');
  if (shape.length) {
    return fail(shape.slice(0, 20).map((e) => {
      const at = [field, ...e.instancePath.split('/').filter(Boolean)].join('.');
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
        return { field: `${at}.${extra[0] ?? ''}`, message: 'is not a known field' };
      }
      if (e.keyword === 'required') {
        const missing = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
        return { field: `${at}.${missing[0] ?? ''}`, message: 'is required' };
      }
      return { field: at, message: e.message };
    }));
  }
  const problems = kind === 'individual' ? validateIndividual(value as IndividualDefinition) : validateTeam(value as TeamDefinition);
  if (problems.length) fail(problems.map((p) => ({ field: `${field}.${p.path.replace(/\[(\d+)\]/g, '.$1')}`, message: p.message })));
  if (kind === 'individual') {
    const d = value as IndividualDefinition;
    if (d.teamSchemeId) {
      const team = await repo.scheme(d.teamSchemeId).catch(() => null);
      if (!team || team.kind !== 'team') fail([{ field: `${field}.teamSchemeId`, message: `no team scheme ${d.teamSchemeId}` }]);
    }
  }
  return value as SchemeDefinition;
}
