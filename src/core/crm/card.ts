/**
 * The customer info card (客户信息卡): four groups of typed fields besides the
 * customer's name, address, phones and owner. Each group is stored as one
 * object; a key that is absent is unknown. The HTTP schemas
 * (src/http/customers/card.ts) are the validation; these are the types.
 */

/** 基本信息: basic information. */
export interface CardBasic {
  /** A company (单位) or a person (个人). */
  kind?: 'company' | 'person';
  legalRepresentative?: string;
  /** Date the company was founded (YYYY-MM-DD). */
  founded?: string;
  /** Date the relationship started (YYYY-MM-DD). */
  relationshipSince?: string;
}

/** 客户特征: characteristics. */
export interface CardCharacteristics {
  /** Service region (服务区域), a roster filter. */
  region?: string;
  salesCapacity?: string;
  potential?: 'high' | 'medium' | 'low';
  industry?: string;
  source?: string;
  size?: string;
}

/** 业务状态: business status. */
export interface CardBusiness {
  scale?: string;
  sales?: string;
  relationship?: 'close' | 'good' | 'normal' | 'poor';
  attitude?: 'positive' | 'neutral' | 'negative';
}

/** Credit terms (信用). */
export interface Credit {
  /** Credit limit, in the office's currency. */
  limit?: number;
  rating?: 'AAA' | 'AA' | 'A' | 'B' | 'C' | 'D';
  /** True while the customer has an overdue payment. */
  overdue?: boolean;
}

/** 交易状态: transaction status. */
export interface CardTransaction {
  currentOrders?: number;
  issues?: string;
  terms?: string;
  credit?: Credit;
}

export interface Card {
  basic: CardBasic;
  characteristics: CardCharacteristics;
  business: CardBusiness;
  transaction: CardTransaction;
}

export const CARD_GROUPS = ['basic', 'characteristics', 'business', 'transaction'] as const;
export type CardGroup = typeof CARD_GROUPS[number];

/** Fills the keys `into` lacks from `from` (merging duplicates: the survivor wins). */
export function fillGroup<T extends object>(into: T, from: T): T {
  const out: Record<string, unknown> = { ...(from as Record<string, unknown>), ...(into as Record<string, unknown>) };
  const a = (into as Record<string, unknown>)['credit'];
  const b = (from as Record<string, unknown>)['credit'];
  if (a && b && typeof a === 'object' && typeof b === 'object') out.credit = { ...b, ...a };
  return out as unknown as T;
}
