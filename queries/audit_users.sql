-- Everyone in the audit log, for choosing one (from the ledger beside the data file).
-- One row per user: user_id, in alphabetical order. No parameters.
select distinct user_id
from audit_events
order by user_id
