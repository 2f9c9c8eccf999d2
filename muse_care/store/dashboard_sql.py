"""The lead's dashboard's figures kept as cases change (PostgreSQL; migration 0022).

At a million cases merely counting the open cases takes longer than the dashboard may
(docs/performance.md, "The lead's dashboard"), so the database keeps the counts it
shows, written by triggers in the same transaction as the change they follow:

``open_case_counts``  the open cases counted by status (kind 's'), by combination of
                      rights ('r') and by assignee and due date ('a'); rows that fall to
                      zero are deleted. Their number follows the statuses, rights and
                      agents and the spread of due dates, not the number of cases. The
                      dashboard sums them and compares the due dates with its own
                      ``as_of``, so overdue and due-this-week are right every day without
                      a job.
``case_answers``      each answered case's answer day (in the zone of ``answers_zone``)
                      and whether it was on time, as ``services/team_reports.py``
                      defines them: the first move to an answered status in the
                      history; failing one, for a case in an answered status, the first
                      reply letter's dispatch or production, else the case's last change.
``answers_by_day``    per answer day, the cases answered and answered on time: what the
                      on-time rate sums (a few hundred rows a year).
``answers_zone``      the time zone the answer days are in. The dashboard compares it
                      with the organisation's and, when they differ (the zone was
                      changed in the settings), has the answers counted again
                      (``muse_answers_zone``) before it reads them.

The triggers: statement triggers for inserts and deletes on ``cases`` (with transition
tables: a bulk load is counted in one pass per statement) and a row trigger for updates
(a take changes one case: two counts move, in one statement; its WHEN skips the
changes that move none)
keep the open counts and ask for the answers of the cases whose status, due date or
(answered) last change moved; a row trigger on
``history`` for the moves to an answered status, and one on ``letters`` for the
replies, do the same. Every case write MUSE Care makes already holds the history
chain's lock (``store/history_sql.py``; the take statement takes it first), so these
rows add no serialisation of their own. A raw ``UPDATE cases`` run outside MUSE Care on
several connections at once takes no such lock first, and can deadlock here (this
trigger fires before the row trigger, by name); PostgreSQL then cancels one of them. The
functions are SECURITY DEFINER and owned by ``muse_owner`` after ``team init``: a
member reads the tables and cannot write them (``store/team_sql.py``).

SQLite keeps counting at read time (``services/team_reports.py``): one person's
register, where the count over the cases is the figure's own cost.
"""

from __future__ import annotations

from muse_care.store.history_sql import LOCK_KEY

ANSWERED_SQL = "'responded', 'refused'"
"""``services/team_reports.py`` ``ANSWERED``, as SQL."""
NOT_REPLIES_SQL = "'acknowledgement', 'identity-request', 'clarification-request', 'extension'"
"""``services/team_reports.py`` ``NOT_REPLIES``, as SQL."""

TABLES = ("open_case_counts", "case_answers", "answers_by_day", "answers_zone")
TRIGGERS = (("cases", "muse_dash_cases_insert"), ("cases", "muse_dash_cases_update"),
            ("cases", "muse_dash_cases_delete"), ("history", "muse_dash_history"),
            ("letters", "muse_dash_letters"))
FUNCTIONS = ("muse_answers_of(integer[], text)", "muse_answers_refresh(integer[])",
             "muse_open_counts_add(jsonb)", "muse_dash_cases_insert()", "muse_dash_cases_update()",
             "muse_dash_cases_delete()", "muse_dash_history()", "muse_dash_letters()",
             "muse_dashboard_fill()", "muse_answers_zone(text)")
DEFINER_FUNCTIONS = FUNCTIONS[1:]
"""Owned by ``muse_owner`` after ``team init`` (``muse_answers_of`` only reads)."""
ZONE_FUNCTION = "muse_answers_zone(text)"
"""Granted to the members: the dashboard asks for the answers in the organisation's zone."""

_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"


def _keyed(rows: str, sign: str) -> str:
    """The open cases of ``rows`` counted (negated with ``sign`` "-") three ways, as
    (kind, key, due_date, n): by status ('s'), by the combination of rights ('r'), by
    assignee and due date ('a'): what the dashboard shows, whatever the number of cases."""
    return (f"SELECT 's' AS kind, status AS key, NULL::date AS due_date, {sign}count(*) AS n "
            f"FROM {rows} WHERE is_open GROUP BY status "
            f"UNION ALL SELECT 'r', rights, NULL::date, {sign}count(*) FROM {rows} WHERE is_open GROUP BY rights "
            f"UNION ALL SELECT 'a', assignee, due_date, {sign}count(*) FROM {rows} WHERE is_open "
            "GROUP BY assignee, due_date")


TABLES_SQL = [
    "CREATE TABLE open_case_counts (kind char(1) NOT NULL, key varchar(200) NOT NULL, due_date date, "
    "n integer NOT NULL, CONSTRAINT uq_open_case_counts UNIQUE NULLS NOT DISTINCT (kind, key, due_date))",
    "CREATE TABLE case_answers (case_id integer PRIMARY KEY, day date NOT NULL, on_time boolean NOT NULL)",
    "CREATE TABLE answers_by_day (day date PRIMARY KEY, answered integer NOT NULL, on_time integer NOT NULL)",
    "CREATE TABLE answers_zone (id integer PRIMARY KEY CHECK (id = 1), zone text NOT NULL)",
]

FUNCTIONS_SQL = f"""
CREATE OR REPLACE FUNCTION muse_answers_of(p_ids integer[], p_zone text)
RETURNS TABLE (case_id integer, day date, on_time boolean) LANGUAGE sql STABLE AS $$
    SELECT c.id, a.day, (c.due_date IS NOT NULL AND a.day <= c.due_date)
    FROM cases c
    CROSS JOIN LATERAL (SELECT min(h.at) AS at FROM history h WHERE h.case_id = c.id
                        AND h.what = 'status' AND h.new_value IN ({ANSWERED_SQL})) m
    LEFT JOIN LATERAL (SELECT min(lt.dispatched_on) AS sent, min(lt.generated_at) AS made FROM letters lt
                       WHERE lt.case_id = c.id AND lt.kind NOT IN ({NOT_REPLIES_SQL})) l ON m.at IS NULL
    CROSS JOIN LATERAL (SELECT CASE WHEN m.at IS NOT NULL THEN (m.at AT TIME ZONE p_zone)::date
                        ELSE coalesce(l.sent, (l.made AT TIME ZONE p_zone)::date,
                                      (c.updated_at AT TIME ZONE p_zone)::date) END AS day) a
    WHERE c.id = ANY(p_ids) AND (m.at IS NOT NULL OR c.status IN ({ANSWERED_SQL}))
$$;

-- The answers of these cases, counted again: their old rows out, their new rows in.
CREATE OR REPLACE FUNCTION muse_answers_refresh(p_ids integer[])
RETURNS void LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE v_zone text;
BEGIN
    IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    SELECT zone INTO v_zone FROM answers_zone WHERE id = 1;
    WITH gone AS (DELETE FROM case_answers WHERE case_id = ANY(p_ids) RETURNING day, on_time)
    INSERT INTO answers_by_day AS t (day, answered, on_time)
    SELECT day, -count(*), -count(*) FILTER (WHERE on_time) FROM gone GROUP BY day
    ON CONFLICT (day) DO UPDATE SET answered = t.answered + excluded.answered,
                                    on_time = t.on_time + excluded.on_time;
    WITH fresh AS (INSERT INTO case_answers (case_id, day, on_time)
                   SELECT * FROM muse_answers_of(p_ids, coalesce(v_zone, 'UTC')) RETURNING day, on_time)
    INSERT INTO answers_by_day AS t (day, answered, on_time)
    SELECT day, count(*), count(*) FILTER (WHERE on_time) FROM fresh GROUP BY day
    ON CONFLICT (day) DO UPDATE SET answered = t.answered + excluded.answered,
                                    on_time = t.on_time + excluded.on_time;
END $$;

-- Add [[kind, key, due_date, n], ...] to the open counts; rows that reach zero go.
CREATE OR REPLACE FUNCTION muse_open_counts_add(p_delta jsonb)
RETURNS void LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE v_empty tid[];
BEGIN
    IF p_delta IS NULL OR jsonb_array_length(p_delta) = 0 THEN
        RETURN;
    END IF;
    WITH up AS (
        INSERT INTO open_case_counts AS t (kind, key, due_date, n)
        SELECT d ->> 0, d ->> 1, (d ->> 2)::date, (d ->> 3)::integer
        FROM jsonb_array_elements(p_delta) d
        ON CONFLICT (kind, key, due_date) DO UPDATE SET n = t.n + excluded.n
        RETURNING t.ctid AS row_at, t.n)
    SELECT array_agg(row_at) FILTER (WHERE n = 0) INTO v_empty FROM up;
    IF v_empty IS NOT NULL THEN
        DELETE FROM open_case_counts WHERE ctid = ANY(v_empty) AND n = 0;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION muse_dash_cases_insert() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
    PERFORM muse_open_counts_add((SELECT jsonb_agg(jsonb_build_array(kind, key, due_date, n)) FROM (
        {_keyed("new_rows", "")}) g));
    PERFORM muse_answers_refresh(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;

-- An update, row by row (a take changes one case: two counts move, in one statement;
-- the counts a change leaves as they were cancel out). Its trigger's WHEN lets through
-- only the changes that move a count or an answer.
CREATE OR REPLACE FUNCTION muse_dash_cases_update() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE v_old integer := CASE WHEN OLD.is_open THEN -1 ELSE 0 END;
        v_new integer := CASE WHEN NEW.is_open THEN 1 ELSE 0 END;
        v_empty tid[];
BEGIN
    WITH up AS (
        INSERT INTO open_case_counts AS t (kind, key, due_date, n)
        SELECT kind, key, due_date, sum(d) FROM (VALUES
            ('s', OLD.status, NULL::date, v_old), ('s', NEW.status, NULL::date, v_new),
            ('r', OLD.rights, NULL::date, v_old), ('r', NEW.rights, NULL::date, v_new),
            ('a', OLD.assignee, OLD.due_date, v_old), ('a', NEW.assignee, NEW.due_date, v_new))
            AS v (kind, key, due_date, d)
        GROUP BY kind, key, due_date HAVING sum(d) <> 0
        ON CONFLICT (kind, key, due_date) DO UPDATE SET n = t.n + excluded.n
        RETURNING t.ctid AS row_at, t.n)
    SELECT array_agg(row_at) FILTER (WHERE n = 0) INTO v_empty FROM up;
    IF v_empty IS NOT NULL THEN
        DELETE FROM open_case_counts WHERE ctid = ANY(v_empty) AND n = 0;
    END IF;
    IF OLD.status IS DISTINCT FROM NEW.status OR OLD.due_date IS DISTINCT FROM NEW.due_date
       OR (OLD.updated_at IS DISTINCT FROM NEW.updated_at AND NEW.status IN ({ANSWERED_SQL})) THEN
        PERFORM muse_answers_refresh(ARRAY[NEW.id]);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION muse_dash_cases_delete() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
    PERFORM muse_open_counts_add((SELECT jsonb_agg(jsonb_build_array(kind, key, due_date, n)) FROM (
        {_keyed("old_rows", "-")}) g));
    PERFORM muse_answers_refresh(ARRAY(SELECT id FROM old_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION muse_dash_history() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
    PERFORM muse_answers_refresh(ARRAY[NEW.case_id]);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION muse_dash_letters() RETURNS trigger LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.kind NOT IN ({NOT_REPLIES_SQL}) THEN
        PERFORM muse_answers_refresh(ARRAY[NEW.case_id]);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.kind NOT IN ({NOT_REPLIES_SQL})
       AND (TG_OP = 'DELETE' OR OLD.case_id IS DISTINCT FROM NEW.case_id OR NEW.kind IN ({NOT_REPLIES_SQL})) THEN
        PERFORM muse_answers_refresh(ARRAY[OLD.case_id]);
    END IF;
    RETURN NULL;
END $$;

-- Everything counted again from the cases and the history (the upgrade; the zone's
-- change), under the history chain's lock, so no write runs alongside.
CREATE OR REPLACE FUNCTION muse_dashboard_fill() RETURNS void LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE v_zone text;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT zone INTO v_zone FROM answers_zone WHERE id = 1;
    v_zone := coalesce(v_zone, 'UTC');
    DELETE FROM open_case_counts;
    INSERT INTO open_case_counts (kind, key, due_date, n)
    {_keyed("cases", "")};
    DELETE FROM case_answers;
    DELETE FROM answers_by_day;
    INSERT INTO case_answers (case_id, day, on_time)
    WITH first_move AS (
        SELECT case_id, min(at) AS at FROM history
        WHERE what = 'status' AND new_value IN ({ANSWERED_SQL}) AND case_id IS NOT NULL
        GROUP BY case_id),
    answer AS (
        SELECT c.id, (m.at AT TIME ZONE v_zone)::date AS day, c.due_date
        FROM first_move m JOIN cases c ON c.id = m.case_id
        UNION ALL
        SELECT c.id, coalesce(l.sent, (l.made AT TIME ZONE v_zone)::date, (c.updated_at AT TIME ZONE v_zone)::date),
               c.due_date
        FROM cases c
        LEFT JOIN LATERAL (SELECT min(lt.dispatched_on) AS sent, min(lt.generated_at) AS made FROM letters lt
                           WHERE lt.case_id = c.id AND lt.kind NOT IN ({NOT_REPLIES_SQL})) l ON true
        WHERE c.status IN ({ANSWERED_SQL})
          AND NOT EXISTS (SELECT 1 FROM first_move m WHERE m.case_id = c.id))
    SELECT id, day, (due_date IS NOT NULL AND day <= due_date) FROM answer;
    INSERT INTO answers_by_day (day, answered, on_time)
    SELECT day, count(*), count(*) FILTER (WHERE on_time) FROM case_answers GROUP BY day;
END $$;

-- The answers in this zone: counted again if they are in another (returns whether).
CREATE OR REPLACE FUNCTION muse_answers_zone(p_zone text) RETURNS boolean LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
    IF (SELECT zone FROM answers_zone WHERE id = 1) IS NOT DISTINCT FROM p_zone THEN
        RETURN false;
    END IF;
    PERFORM now() AT TIME ZONE p_zone;  -- an unknown zone fails here, before anything changes
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    INSERT INTO answers_zone (id, zone) VALUES (1, p_zone) ON CONFLICT (id) DO UPDATE SET zone = excluded.zone;
    PERFORM muse_dashboard_fill();
    RETURN true;
END $$;
"""

TRIGGERS_SQL = [
    "CREATE TRIGGER muse_dash_cases_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION muse_dash_cases_insert()",
    "CREATE TRIGGER muse_dash_cases_update AFTER UPDATE ON cases FOR EACH ROW WHEN ("
    "OLD.is_open IS DISTINCT FROM NEW.is_open OR ((OLD.is_open OR NEW.is_open) AND ("
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.rights IS DISTINCT FROM NEW.rights "
    "OR OLD.assignee IS DISTINCT FROM NEW.assignee)) OR OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.due_date IS DISTINCT FROM NEW.due_date "
    f"OR (OLD.updated_at IS DISTINCT FROM NEW.updated_at AND NEW.status IN ({ANSWERED_SQL}))) "
    "EXECUTE FUNCTION muse_dash_cases_update()",
    "CREATE TRIGGER muse_dash_cases_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION muse_dash_cases_delete()",
    "CREATE TRIGGER muse_dash_history AFTER INSERT ON history FOR EACH ROW "
    f"WHEN (NEW.what = 'status' AND NEW.new_value IN ({ANSWERED_SQL}) AND NEW.case_id IS NOT NULL) "
    "EXECUTE FUNCTION muse_dash_history()",
    "CREATE TRIGGER muse_dash_letters AFTER INSERT OR UPDATE OR DELETE ON letters FOR EACH ROW "
    "EXECUTE FUNCTION muse_dash_letters()",
]

def organisation_zone(stored: str | None) -> str:
    """The zone ``Register.timezone`` gives for the stored ``organisation`` setting (its
    JSON text, or None when never set): the upgrade counts the answers in it, so that
    the dashboard's first read does not count them again."""
    import json
    from zoneinfo import ZoneInfo

    from muse_care.domain.organisation import OrganisationProfile

    try:
        value = json.loads(stored) if stored else {}
        return ZoneInfo(OrganisationProfile.from_dict(value if isinstance(value, dict) else {}).timezone).key
    except Exception:  # noqa: BLE001 - as Register.timezone: a bad zone name is UTC
        return "UTC"


def upgrade_statements(zone: str) -> list[str]:
    """Create, and fill with the answers in ``zone`` (:func:`organisation_zone`)."""
    quoted = zone.replace("'", "''")
    return [*TABLES_SQL, FUNCTIONS_SQL, *TRIGGERS_SQL,
            f"INSERT INTO answers_zone (id, zone) VALUES (1, '{quoted}')", "SELECT muse_dashboard_fill()"]


def downgrade_statements() -> list[str]:
    out = [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"' for table, name in TRIGGERS]
    out += [f"DROP FUNCTION IF EXISTS {fn}" for fn in reversed(FUNCTIONS)]
    out += [f"DROP TABLE IF EXISTS {t}" for t in TABLES]
    return out
