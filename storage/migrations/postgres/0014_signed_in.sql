-- Who is signed in on which computer, for the supervisor's live strip:
-- each computer's newest session, for an administrator only (sessions
-- themselves are no PC's to read).
CREATE FUNCTION c2desk_signed_in()
	RETURNS TABLE (computer TEXT, staff TEXT, since BIGINT)
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
	AS $$ SELECT DISTINCT ON (c.id) c.name, st.name, s.started_at
		FROM sessions s JOIN computers c ON c.id = s.computer_id JOIN staff st ON st.id = s.staff_id AND st.active = 1
		WHERE c2desk_admin() ORDER BY c.id, s.started_at DESC $$;
