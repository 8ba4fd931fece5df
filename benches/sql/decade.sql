-- A decade from a seeded year: nine more copies of the year's cases in
-- schema :"schema", each k years earlier (k = 1..9), with new UUIDv7 ids
-- made from their shifted filing time and their own case numbers; a
-- copy of a case still open is closed three days after it was filed (the
-- open cases of a city are its last months, not its whole history).
-- Timeline entries are not copied: the command centre reads cases only.
--
--   psql -v schema=bench_city_10000000 -f benches/sql/decade.sql
SET search_path TO :"schema";
DO $$
DECLARE k int;
BEGIN
  FOR k IN 1..9 LOOP
    INSERT INTO cases
    SELECT
      (lpad(to_hex((extract(epoch FROM c.created_at - make_interval(years => k)) * 1000)::bigint), 12, '0')
        || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid,
      'SSP-H' || k || '-' || substr(c.case_no, 5),
      c.reporter_id, c.category_id, c.description, c.lat, c.lng, c.address, c.area_id,
      CASE WHEN c.status IN ('submitted','accepted','dispatched','returned','in_progress','resolved','reopened','suspended')
        THEN 'closed' ELSE c.status END,
      c.version, c.unit_id,
      c.created_at - make_interval(years => k),
      c.updated_at - make_interval(years => k),
      c.routed_unit_id, c.rule_id,
      c.dispatched_at - make_interval(years => k),
      c.accept_due_at - make_interval(years => k),
      c.accept_overdue_at - make_interval(years => k),
      c.clock_kind, c.clock_total_minutes, c.clock_left_minutes,
      c.due_at - make_interval(years => k),
      c.warn_at - make_interval(years => k),
      c.warned_at - make_interval(years => k),
      c.overdue_at - make_interval(years => k),
      c.escalation_level, c.escalated_unit_id,
      NULL, NULL, NULL, c.duplicate_of, c.extended, c.reopen_count,
      COALESCE(c.resolved_at, c.created_at + interval '2 days') - make_interval(years => k),
      CASE WHEN c.status IN ('submitted','accepted','dispatched','returned','in_progress','resolved','reopened','suspended')
        THEN c.created_at + interval '3 days' ELSE c.closed_at END - make_interval(years => k),
      c.rating, c.rating_comment,
      c.rated_at - make_interval(years => k),
      c.return_count,
      c.claimed_at - make_interval(years => k),
      c.handling_minutes,
      c.taken_on_at - make_interval(years => k),
      c.channel
    FROM cases c
    WHERE c.case_no NOT LIKE 'SSP-H%';
    RAISE NOTICE 'copy % done', k;
  END LOOP;
END $$;
ANALYZE cases;
