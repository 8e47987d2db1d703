/** Customers and contacts as the API returns them (the repositories in src/db/repos store them). */
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
  createdAt: string;
  updatedAt: string;
}

export type CustomerInput = Partial<Omit<Customer, 'id' | 'createdAt' | 'updatedAt'>> & { name?: string };

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
