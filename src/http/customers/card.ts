/**
 * The customer info card's groups as TypeBox schemas: the validation, the
 * types and the OpenAPI. In requests every key may be null (remove it on a
 * patch); unknown keys are refused.
 */
import { Type, type TSchema } from 'typebox';
import { Nullable } from '../common.ts';

const Text = (description: string, maxLength = 200) => Type.String({ maxLength, description });
const Day = (description: string) => Type.String({ format: 'date', description: `${description} (YYYY-MM-DD)` });

/** The groups' fields, shared by input (nullable) and output. */
const basic = {
  kind: Type.Union([Type.Literal('company'), Type.Literal('person')], { description: 'a company (单位) or a person (个人)' }),
  legalRepresentative: Text('法定代表人', 100),
  founded: Day('成立日期'),
  relationshipSince: Day('建立关系日期'),
};
const characteristics = {
  region: Text('服务区域: a roster filter', 100),
  salesCapacity: Text('销售能力'),
  potential: Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')], { description: '潜力' }),
  industry: Text('行业', 100),
  source: Text('来源, e.g. referral, exhibition, web', 100),
  size: Text('规模, e.g. 50-200 employees', 100),
};
const business = {
  scale: Text('经营规模'),
  sales: Text('销售情况'),
  relationship: Type.Union([Type.Literal('close'), Type.Literal('good'), Type.Literal('normal'), Type.Literal('poor')], { description: '关系程度' }),
  attitude: Type.Union([Type.Literal('positive'), Type.Literal('neutral'), Type.Literal('negative')], { description: '态度' }),
};
const credit = {
  limit: Type.Number({ minimum: 0, maximum: 1e15, description: '信用额度, in the office currency' }),
  rating: Type.Union([Type.Literal('AAA'), Type.Literal('AA'), Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')], { description: '信用等级' }),
  overdue: Type.Boolean({ description: 'true while a payment is overdue (逾期)' }),
};
const transactionOut = {
  currentOrders: Type.Integer({ minimum: 0, maximum: 1_000_000, description: '当前订单 (open orders)' }),
  issues: Text('问题 (open issues)', 2000),
  terms: Text('交易条件 (payment and delivery terms)', 2000),
};

/**
 * null or the schema. Numbers and booleans take `type: [t, "null"]`: with type
 * coercion on, an anyOf trying null first would turn 0 and false into null.
 */
function orNull(s: TSchema): TSchema {
  const t = (s as { type?: unknown }).type;
  if (t === 'number' || t === 'integer' || t === 'boolean') return Type.Unsafe({ ...s, type: [t, 'null'] });
  return Nullable(s);
}

const input = (fields: Record<string, TSchema>, description: string) => Type.Optional(Type.Object(
  Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, Type.Optional(orNull(s))])),
  { additionalProperties: false, description: `${description}; on PATCH given keys replace, null removes one` }));

/** The card groups as request fields. */
export const cardInput = {
  ownerId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'account manager (客户经理): an agent id' }))),
  basic: input(basic, '基本信息: basic information (address, phones and owner are the top-level fields)'),
  characteristics: input(characteristics, '客户特征: characteristics'),
  business: input(business, '业务状态: business status'),
  transaction: input({ ...transactionOut, credit: Type.Object(Object.fromEntries(Object.entries(credit).map(([k, s]) => [k, Type.Optional(orNull(s))])), { additionalProperties: false, description: '信用 (replaced as a whole)' }) }, '交易状态: transaction status'),
  custom: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }), Type.Unknown(), {
    maxProperties: 100, description: 'values of the custom fields (GET /customers/fields) by key: text, number, date (YYYY-MM-DD) or one of a choice\'s options; null removes a value',
  })),
};

/** The card groups as returned. */
export const cardOutput = {
  ownerId: Nullable(Type.String()),
  basic: Type.Partial(Type.Object(basic), { description: '基本信息' }),
  characteristics: Type.Partial(Type.Object(characteristics), { description: '客户特征' }),
  business: Type.Partial(Type.Object(business), { description: '业务状态' }),
  transaction: Type.Partial(Type.Object({ ...transactionOut, credit: Type.Partial(Type.Object(credit), { description: '信用' }) }), { description: '交易状态' }),
  custom: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
};
