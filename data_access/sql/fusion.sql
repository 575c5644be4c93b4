-- The fusion rules, in one place: the current definitions (migrations apply this file; a test compares it
-- with the live database). README.md ("Fusion rules") explains them in words.
-- Rule 1: an enterprise's reopening status follows from its employees' current colours:
--   warned     (警告)   any employee red;
--   caution    (关注)   no red, any yellow;
--   incomplete (待核实) no red or yellow, but someone without a health-code record, or no employee at all;
--   cleared    (可复工) every employee green.
-- Rule 2: residents count in the community they are registered to; employees count in the community
--   of the enterprise that insures them (one person working for two enterprises counts in both).
-- Rule 3: a person without a health_code row counts as "none" (no record), never as green.
-- Managed persons are counted at read time (see managed_counts), because "currently managed" depends on
-- today's date, which a stored aggregate could not follow.

CREATE OR REPLACE FUNCTION public.enterprise_status(red integer, yellow integer, missing integer, total integer)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT CASE
    WHEN red > 0 THEN 'warned'
    WHEN yellow > 0 THEN 'caution'
    WHEN missing > 0 OR total = 0 THEN 'incomplete'
    ELSE 'cleared'
  END
$function$;

-- Per enterprise, from the base tables (the slow, obviously right way).
CREATE OR REPLACE VIEW fusion_enterprise WITH (security_invoker = true) AS
 SELECT e.credit_code,
    e.community_code,
    count(*) FILTER (WHERE h.colour = 'green'::text)::integer AS employees_green,
    count(*) FILTER (WHERE h.colour = 'yellow'::text)::integer AS employees_yellow,
    count(*) FILTER (WHERE h.colour = 'red'::text)::integer AS employees_red,
    count(em.id_number) FILTER (WHERE h.colour IS NULL)::integer AS employees_none
   FROM enterprise e
     LEFT JOIN employment em ON em.credit_code = e.credit_code
     LEFT JOIN health_code h ON h.id_number = em.id_number
  GROUP BY e.credit_code, e.community_code;

-- Per community, residents by colour, from the base tables.
CREATE OR REPLACE VIEW fusion_community_residents WITH (security_invoker = true) AS
 SELECT p.community_code,
    count(*) FILTER (WHERE p.residence_type = 'permanent'::text)::integer AS residents_permanent,
    count(*) FILTER (WHERE p.residence_type = 'temporary'::text)::integer AS residents_temporary,
    count(*) FILTER (WHERE h.colour = 'green'::text)::integer AS residents_green,
    count(*) FILTER (WHERE h.colour = 'yellow'::text)::integer AS residents_yellow,
    count(*) FILTER (WHERE h.colour = 'red'::text)::integer AS residents_red,
    count(*) FILTER (WHERE h.colour IS NULL)::integer AS residents_none
   FROM person p
     LEFT JOIN health_code h ON h.id_number = p.id_number
  WHERE p.community_code IS NOT NULL
  GROUP BY p.community_code;

-- Per community, enterprises and their employees rolled up, from maintained or from live enterprise rows.
CREATE OR REPLACE FUNCTION public.fusion_community_enterprises(live boolean)
 RETURNS TABLE(community_code character, employees_green integer, employees_yellow integer, employees_red integer, employees_none integer, enterprises_cleared integer, enterprises_caution integer, enterprises_warned integer, enterprises_incomplete integer)
 LANGUAGE sql
 STABLE
AS $function$
  WITH ent AS (
    SELECT community_code, employees_green, employees_yellow, employees_red, employees_none,
           enterprise_status(employees_red, employees_yellow, employees_none,
             employees_green + employees_yellow + employees_red + employees_none) AS status
    FROM fusion_enterprise WHERE live
    UNION ALL
    SELECT community_code, employees_green, employees_yellow, employees_red, employees_none, status
    FROM enterprise_stats WHERE NOT live
  )
  SELECT community_code,
         sum(employees_green)::int, sum(employees_yellow)::int, sum(employees_red)::int,
         sum(employees_none)::int,
         count(*) FILTER (WHERE status = 'cleared')::int, count(*) FILTER (WHERE status = 'caution')::int,
         count(*) FILTER (WHERE status = 'warned')::int, count(*) FILTER (WHERE status = 'incomplete')::int
  FROM ent WHERE community_code IS NOT NULL GROUP BY community_code
$function$;

CREATE OR REPLACE FUNCTION public.fusion_community(live boolean)
 RETURNS TABLE(community_code character, residents_permanent integer, residents_temporary integer, residents_green integer, residents_yellow integer, residents_red integer, residents_none integer, employees_green integer, employees_yellow integer, employees_red integer, employees_none integer, enterprises_cleared integer, enterprises_caution integer, enterprises_warned integer, enterprises_incomplete integer)
 LANGUAGE sql
 STABLE
AS $function$
  SELECT c.code,
         coalesce(r.residents_permanent, 0), coalesce(r.residents_temporary, 0),
         coalesce(r.residents_green, 0), coalesce(r.residents_yellow, 0),
         coalesce(r.residents_red, 0), coalesce(r.residents_none, 0),
         coalesce(e.employees_green, 0), coalesce(e.employees_yellow, 0),
         coalesce(e.employees_red, 0), coalesce(e.employees_none, 0),
         coalesce(e.enterprises_cleared, 0), coalesce(e.enterprises_caution, 0),
         coalesce(e.enterprises_warned, 0), coalesce(e.enterprises_incomplete, 0)
  FROM community c
  LEFT JOIN fusion_community_residents r ON r.community_code = c.code
  LEFT JOIN fusion_community_enterprises(live) e ON e.community_code = c.code
$function$;

-- Managed persons currently under management, per community: read live (a few thousand rows).
CREATE OR REPLACE VIEW managed_counts WITH (security_invoker = true) AS
 SELECT managed_person.community_code,
    count(*)::integer AS managed_total,
    count(*) FILTER (WHERE managed_person.kind = 'centralised_isolation'::text)::integer AS managed_centralised_isolation,
    count(*) FILTER (WHERE managed_person.kind = 'home_isolation'::text)::integer AS managed_home_isolation,
    count(*) FILTER (WHERE managed_person.kind = 'close_contact'::text)::integer AS managed_close_contact,
    count(*) FILTER (WHERE managed_person.kind = 'inbound'::text)::integer AS managed_inbound,
    count(*) FILTER (WHERE managed_person.kind = 'key_area_returnee'::text)::integer AS managed_key_area_returnee
   FROM managed_person
  WHERE managed_person.start_date <= CURRENT_DATE AND (managed_person.end_date IS NULL OR managed_person.end_date >= CURRENT_DATE)
  GROUP BY managed_person.community_code;
