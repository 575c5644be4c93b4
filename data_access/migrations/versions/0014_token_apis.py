"""Tokens per API: each integration names the APIs its token may call (the health-code platform's token no longer
opens the key-person and appeal doors). Tokens made before keep the three APIs they could call; new ones name theirs.
integration_for_token(digest, api) answers who holds a token and whether it may call the API, and notes the last
use only when it may.

Revision ID: 0014_token_apis
Revises: 0013_policies
Create Date: 2026-11-27
"""

from alembic import op

revision = "0014_token_apis"
down_revision = "0013_policies"
branch_labels = None
depends_on = None

APIS = "ARRAY['health_codes', 'keyperson_batches', 'appeals']::text[]"


def upgrade() -> None:
    op.execute(f"""
ALTER TABLE integration ADD COLUMN apis text[] NOT NULL DEFAULT {APIS};
ALTER TABLE integration ALTER COLUMN apis DROP DEFAULT;
ALTER TABLE integration ADD CONSTRAINT integration_apis_check
  CHECK (cardinality(apis) > 0 AND apis <@ {APIS});
DROP FUNCTION integration_for_token(text);
CREATE FUNCTION integration_for_token(digest text, api text) RETURNS TABLE (name text, allowed boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN QUERY
  UPDATE integration i SET last_used_at = CASE WHEN api = ANY (i.apis) THEN now() ELSE i.last_used_at END
  WHERE i.token_sha256 = digest AND i.active
  RETURNING i.name, api = ANY (i.apis);
END $$;
REVOKE EXECUTE ON FUNCTION integration_for_token(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION integration_for_token(text, text) TO sansetu_app;
GRANT SELECT (apis), INSERT (apis) ON integration TO sansetu_app;
""")


def downgrade() -> None:
    op.execute("""
REVOKE SELECT (apis), INSERT (apis) ON integration FROM sansetu_app;
DROP FUNCTION integration_for_token(text, text);
CREATE FUNCTION integration_for_token(digest text) RETURNS text LANGUAGE sql SECURITY DEFINER
SET search_path = public AS $$
  UPDATE integration SET last_used_at = now() WHERE token_sha256 = digest AND active RETURNING name
$$;
REVOKE EXECUTE ON FUNCTION integration_for_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION integration_for_token(text) TO sansetu_app;
ALTER TABLE integration DROP CONSTRAINT integration_apis_check;
ALTER TABLE integration DROP COLUMN apis;
""")
