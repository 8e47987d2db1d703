/** Blacklist entries as the API returns them. */
export type Direction = 'inbound' | 'outbound' | 'both';

export interface BlacklistEntry {
  id: string;
  number: string | null;
  prefix: string | null;
  direction: Direction;
  reason: string | null;
  createdAt: string;
}
