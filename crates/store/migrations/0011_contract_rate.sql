-- The hourly price in the organization's contract, in kopecks: work a regulation writes off by
-- fact (`rate = "contract"`) is priced at it. NULL when the contract sets none.
ALTER TABLE organizations ADD COLUMN contract_rate BIGINT;
