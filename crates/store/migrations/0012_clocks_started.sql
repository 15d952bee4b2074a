-- Reports count the clocks that started in a period.
CREATE INDEX clocks_started ON clocks (started_at);
