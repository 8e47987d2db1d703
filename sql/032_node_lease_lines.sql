-- Issue 14, commands on any daemon: the lines of each node, written by its owner with every renewal, so that a
-- daemon asked for a command on a call of another node's line forwards it to that node's owner
-- (docs/scale-out.md, "Commands on any daemon"). NULL: a row written before this column.
ALTER TABLE node_lease ADD COLUMN IF NOT EXISTS lines text[];
