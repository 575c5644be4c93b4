"""The scoreboard's views (晾晒台), read by its page and its big-screen page: every module's headline figures
and its measures of work, read through SQL views.

The contract a module joins by (in its own migration; the scoreboard never imports another module's Python):

- a view ``headline_<module>`` with columns (module text, key text, value numeric, as_of timestamptz),
  ``security_invoker = true`` so its base tables' row-level security scopes it (or a security_barrier view
  that applies ``session_scope()`` itself); it returns no rows while the module holds no data, so the
  scoreboard says 暂无数据 instead of 0; ``GRANT SELECT`` on it to sansetu_app;
- optionally a view ``work_measure_<module>`` with (community_code char(12), measure text, value numeric,
  good text 'high'|'low', week_ago numeric): one row per community and measure of work done (never of
  illness), for every community: an owner's view granted to no role (not security_invoker), read only
  through the scoreboard's views, which keep the communities to the session's area and give every street's
  mean (a street official sees his street's place among all the streets) to scoreboard.read alone;
- a row in the registry ``scoreboard_source (module, headline_view, measure_view, position)``; a trigger
  rebuilds the union views (``scoreboard_headline``, ``scoreboard_measure_all``) from it, quoting each name
  with ``format('%I')`` after CHECKs that fix the names to the module's. A downgrade deletes its row first.

The sentence of a module's headline is a template in i18n (``scoreboard.sentence.<module>``, keys as
fields); a measure's name is ``scoreboard.measure.<module>.<measure>``. See migration 0013_scoreboard.
"""
