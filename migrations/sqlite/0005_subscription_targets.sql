-- A webhook's address can carry its secret in the path (Slack, Teams): `target` now holds it
-- encrypted with the console's key ("v1:…"; rows written before hold it plain), and
-- `target_shown` what project members see: the scheme and host only.
ALTER TABLE notification_subscriptions ADD COLUMN target_shown TEXT;
