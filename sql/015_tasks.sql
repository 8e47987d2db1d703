-- Follow-ups (回访), care plans (客户关怀计划) and the complaint history (issue 13).

-- A care plan: a customer segment, a schedule, and the task it creates for
-- each customer of the segment once per occurrence of the schedule.
CREATE TABLE care_plans (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  segment jsonb NOT NULL DEFAULT '{}',
  schedule jsonb NOT NULL,
  task jsonb NOT NULL,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  last_run_at timestamptz(3)
);

-- A follow-up task. Overdue is derived (open and past due_at), never stored.
-- fired_at: when task.due was emitted (claimed once, so a restart never fires twice).
-- (plan_id, customer_id, occurrence) is unique: a plan makes one task per customer
-- per occurrence however often it runs (NULLs are distinct, so hand-made tasks never clash).
CREATE TABLE tasks (
  id uuid PRIMARY KEY,
  customer_id uuid REFERENCES customers(id) ON DELETE CASCADE,
  owner_id text,
  kind text NOT NULL CHECK (kind IN ('call', 'visit', 'sms')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  title text NOT NULL,
  notes text,
  outcome text,
  due_at timestamptz(3) NOT NULL,
  call_id uuid REFERENCES calls(id) ON DELETE SET NULL,
  plan_id uuid REFERENCES care_plans(id) ON DELETE SET NULL,
  occurrence text,
  fired_at timestamptz(3),
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  closed_at timestamptz(3),
  closed_by text,
  UNIQUE (plan_id, customer_id, occurrence)
);
CREATE INDEX tasks_due ON tasks (due_at, id);
CREATE INDEX tasks_owner_due ON tasks (owner_id, due_at);
CREATE INDEX tasks_unfired ON tasks (due_at) WHERE status = 'open' AND fired_at IS NULL;
CREATE INDEX tasks_customer ON tasks (customer_id, due_at);
CREATE INDEX tasks_plan ON tasks (plan_id, occurrence) WHERE plan_id IS NOT NULL;

-- Every status change of a complaint: who, when, from, to, why.
CREATE TABLE complaint_events (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL,
  complaint_id uuid NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
  from_status text,
  to_status text NOT NULL,
  by text,
  note text,
  at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, seq);
