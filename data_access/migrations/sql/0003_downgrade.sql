-- apply_colour_changes as revision 0001 defined it (recounting the enterprises it touches): what
-- downgrading 0003 restores. A frozen copy, so later edits of the current definitions cannot change it.
CREATE OR REPLACE FUNCTION apply_colour_changes(ids char(18)[], olds text[], news text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lock_stats();
  UPDATE community_stats s SET
    residents_green = s.residents_green + d.green, residents_yellow = s.residents_yellow + d.yellow,
    residents_red = s.residents_red + d.red, residents_none = s.residents_none + d.none,
    updated_at = now()
  FROM (
    SELECT p.community_code,
           count(*) FILTER (WHERE c.new = 'green') - count(*) FILTER (WHERE c.old = 'green') AS green,
           count(*) FILTER (WHERE c.new = 'yellow') - count(*) FILTER (WHERE c.old = 'yellow') AS yellow,
           count(*) FILTER (WHERE c.new = 'red') - count(*) FILTER (WHERE c.old = 'red') AS red,
           count(*) FILTER (WHERE c.new IS NULL) - count(*) FILTER (WHERE c.old IS NULL) AS none
    FROM unnest(ids, olds, news) AS c(id, old, new)
    JOIN person p ON p.id_number = c.id
    WHERE p.community_code IS NOT NULL
    GROUP BY p.community_code
  ) d
  WHERE s.community_code = d.community_code;
  PERFORM refresh_stats_for(ARRAY(SELECT credit_code FROM employment WHERE id_number = ANY (ids)), NULL);
END $$;
ALTER FUNCTION apply_colour_changes(char(18)[], text[], text[]) SECURITY DEFINER SET search_path = public;
ALTER FUNCTION apply_colour_changes(char(18)[], text[], text[]) RESET random_page_cost;
