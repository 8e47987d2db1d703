-- Scorecards (绩效考核, issue 13): schemes, periods, individual cards, team
-- results, reviews, deductions, appeals and the audit of every change.

-- A scheme: individual (KPI items, reviews, deductions, grades) or team (小组:
-- items with levels 1-4, points by rank). `definition` is the validated JSON
-- (src/core/scorecards/scheme.ts); a period keeps its own copy.
CREATE TABLE scorecard_schemes (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('individual', 'team')),
  definition jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

-- A period (a month by default) of one scheme: open -> computed -> reviewed -> published.
CREATE TABLE scorecard_periods (
  id uuid PRIMARY KEY,
  scheme_id uuid NOT NULL REFERENCES scorecard_schemes(id) ON DELETE RESTRICT,
  kind text NOT NULL CHECK (kind IN ('individual', 'team')),
  label text NOT NULL,
  starts_at timestamptz(3) NOT NULL,
  ends_at timestamptz(3) NOT NULL,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'computed', 'reviewed', 'published')),
  definition jsonb NOT NULL,
  computed_at timestamptz(3),
  published_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  UNIQUE (scheme_id, starts_at, ends_at)
);
CREATE INDEX scorecard_periods_created ON scorecard_periods (created_at DESC, id DESC);

-- One agent's card in an individual period. `items`: per KPI item its value and score.
CREATE TABLE scorecards (
  id uuid PRIMARY KEY,
  period_id uuid NOT NULL REFERENCES scorecard_periods(id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  team_id text,
  -- The KPI sums the card was computed from (the port's answer), kept so that
  -- reviews, deductions and appeals recompute the same month.
  sums jsonb NOT NULL,
  items jsonb NOT NULL,
  kpi_score numeric(10,2) NOT NULL,
  self_score numeric(10,2),
  supervisor_score numeric(10,2),
  review_score numeric(10,2) NOT NULL,
  deductions numeric(10,2) NOT NULL DEFAULT 0,
  adjustments numeric(10,2) NOT NULL DEFAULT 0,
  total numeric(10,2) NOT NULL,
  rank integer NOT NULL,
  grade text NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'E')),
  own_grade text NOT NULL CHECK (own_grade IN ('A', 'B', 'C', 'D', 'E')),
  team_grade text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (period_id, agent_id)
);
CREATE INDEX scorecards_agent ON scorecards (agent_id, created_at DESC);

-- One team's result in a team period. `items`: per item its value, rank and points.
CREATE TABLE scorecard_team_results (
  period_id uuid NOT NULL REFERENCES scorecard_periods(id) ON DELETE CASCADE,
  team_id text NOT NULL,
  items jsonb NOT NULL,
  total numeric(10,2) NOT NULL,
  rank integer NOT NULL,
  grade text NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'E')),
  PRIMARY KEY (period_id, team_id)
);

-- Reviews: the agent's own (自评) and the supervisor's (主管评分), 0-100 each.
CREATE TABLE scorecard_reviews (
  period_id uuid NOT NULL REFERENCES scorecard_periods(id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('self', 'supervisor')),
  score numeric(10,2) NOT NULL,
  comment text,
  by_whom text NOT NULL,
  at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (period_id, agent_id, kind)
);

-- Deductions: one per substantiated complaint (made by compute) or manual (with a reason).
-- A deduction voided by an upheld appeal stays, with who voided it and why.
CREATE TABLE scorecard_deductions (
  id uuid PRIMARY KEY,
  period_id uuid NOT NULL REFERENCES scorecard_periods(id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('complaint', 'manual')),
  complaint_id uuid,
  points numeric(10,2) NOT NULL CHECK (points > 0),
  reason text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  voided_at timestamptz(3),
  voided_by text,
  void_reason text,
  UNIQUE (period_id, complaint_id)
);
CREATE INDEX scorecard_deductions_agent ON scorecard_deductions (period_id, agent_id);

-- Appeals (申诉) against a card or one of its deductions, answered by a due date.
CREATE TABLE scorecard_appeals (
  id uuid PRIMARY KEY,
  scorecard_id uuid NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
  deduction_id uuid REFERENCES scorecard_deductions(id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected')),
  due_at timestamptz(3) NOT NULL,
  answer text,
  adjustment numeric(10,2),
  answered_by text,
  answered_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX scorecard_appeals_card ON scorecard_appeals (scorecard_id, created_at DESC);
CREATE INDEX scorecard_appeals_open ON scorecard_appeals (due_at) WHERE status = 'open';

-- Every change to a card: who, when, why, and the figures before and after.
CREATE TABLE scorecard_changes (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL,
  scorecard_id uuid NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
  at timestamptz(3) NOT NULL DEFAULT now(),
  actor text NOT NULL,
  reason text NOT NULL,
  before jsonb,
  after jsonb NOT NULL
);
CREATE INDEX scorecard_changes_card ON scorecard_changes (scorecard_id, seq);
