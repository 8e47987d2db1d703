import type { Config } from '../config/schema.ts';
import { KefuError } from '../core/errors.ts';

/** The configured seat with this id, or a 400 that names `seatId` and the seats there are. */
export function requireSeat(seats: Config['seats'], seatId: string | undefined): Config['seats'][number] {
  const seat = seatId === undefined ? undefined : seats.find((s) => s.id === seatId);
  if (!seat) throw new KefuError('BAD_REQUEST', `seatId: expected one of the configured seats (${seats.map((s) => s.id).join(', ') || 'none'})`, { field: 'seatId' });
  return seat;
}
