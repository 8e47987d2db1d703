/**
 * The two record lifecycles of the care layer as pure transition functions.
 * A refused transition is a CONFLICT naming the state and what is allowed.
 */
import { KefuError } from '../errors.ts';

export type TaskStatus = 'open' | 'done' | 'cancelled';
/** What the API shows: `overdue` is an open task past its due time (derived, never stored). */
export type TaskView = TaskStatus | 'overdue';
export type TaskEvent = 'complete' | 'cancel' | 'reopen';

const TASK: Record<TaskStatus, Partial<Record<TaskEvent, TaskStatus>>> = {
  open: { complete: 'done', cancel: 'cancelled' },
  done: { reopen: 'open' },
  cancelled: { reopen: 'open' },
};

export function taskTransition(from: TaskStatus, event: TaskEvent): TaskStatus {
  const to = TASK[from][event];
  if (!to) throw new KefuError('CONFLICT', `task is ${from}: cannot ${event} it (allowed: ${Object.keys(TASK[from]).join(', ') || 'nothing'})`, { status: from, event });
  return to;
}

export const taskView = (status: TaskStatus, dueAt: Date, now: Date): TaskView =>
  status === 'open' && dueAt.getTime() < now.getTime() ? 'overdue' : status;

export const COMPLAINT_STATUSES = ['open', 'investigating', 'substantiated', 'rejected', 'closed'] as const;
export type ComplaintStatus = typeof COMPLAINT_STATUSES[number];

const COMPLAINT: Record<ComplaintStatus, readonly ComplaintStatus[]> = {
  open: ['investigating'],
  investigating: ['substantiated', 'rejected'],
  substantiated: ['closed'],
  rejected: ['closed'],
  closed: [],
};

/** open → investigating → substantiated | rejected → closed. */
export function complaintTransition(from: ComplaintStatus, to: ComplaintStatus): ComplaintStatus {
  if (!COMPLAINT[from].includes(to)) {
    throw new KefuError('CONFLICT', `complaint is ${from}: cannot go to ${to} (allowed: ${COMPLAINT[from].join(', ') || 'nothing, it is closed'})`, { status: from, to });
  }
  return to;
}

/** A decided complaint (substantiated or rejected) counts as resolved. */
export const complaintResolved = (s: ComplaintStatus): boolean => s === 'substantiated' || s === 'rejected' || s === 'closed';
