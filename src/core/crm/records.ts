/** Customers and contacts as the API returns them (the repositories in src/db/repos store them). */
import type { CardBasic, CardBusiness, CardCharacteristics, CardTransaction } from './card.ts';
import type { CustomValue } from './custom-fields.ts';

export interface Phone { number: string; label?: string | undefined }

/** A customer as the API returns it (phones normalised to E.164). */
export interface Customer {
  id: string;
  name: string;
  company: string | null;
  title: string | null;
  email: string | null;
  address: string | null;
  phones: Phone[];
  tier: string | null;
  tags: string[];
  status: string | null;
  transactionStatus: string | null;
  notes: string | null;
  attributes: Record<string, unknown>;
  /** The account manager (客户经理): an agent id. */
  ownerId: string | null;
  /** The info card's groups (客户信息卡). */
  basic: CardBasic;
  characteristics: CardCharacteristics;
  business: CardBusiness;
  transaction: CardTransaction;
  /** Values of the admin-defined custom fields, by key. */
  custom: Record<string, CustomValue>;
  createdAt: string;
  updatedAt: string;
}

/**
 * What create and update take. The card groups and custom values are patches
 * on update: a key set to null is removed, keys not given stay.
 */
export type CustomerInput = Partial<Omit<Customer, 'id' | 'createdAt' | 'updatedAt' | 'basic' | 'characteristics' | 'business' | 'transaction' | 'custom'>> & {
  name?: string;
  basic?: Record<string, unknown>;
  characteristics?: Record<string, unknown>;
  business?: Record<string, unknown>;
  transaction?: Record<string, unknown>;
  /** Checked against the definitions by the caller. */
  custom?: Record<string, unknown>;
};

/** An address-book entry (people and companies the office calls). */
export interface Contact {
  id: string;
  name: string;
  company: string | null;
  title: string | null;
  email: string | null;
  address: string | null;
  phones: Phone[];
  groups: string[];
  notes: string | null;
  /** Other names callers say for this contact (voice directory). */
  nicknames?: string[];
  /** Seat a voice-directory transfer rings on a PBX backend, or null. */
  seat?: string | null;
  createdAt: string;
  updatedAt: string;
}
