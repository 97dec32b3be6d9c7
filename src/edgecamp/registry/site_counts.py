# ruff: noqa: S608 - the SQL is built from this module's constants only, never from input
"""Per-site counts the dashboard shows, kept up to date by database triggers.

Counting a million people by site, sex and age bracket (and their specific needs) on every
dashboard request takes a second on PostgreSQL. Instead, table `registry_sitecount` holds one
row per (site, topic, key, born) with the number of records, and triggers on the registry and
shelter tables adjust it inside the writing transaction, whatever wrote: the ORM, a
`QuerySet.update`, the synthetic loader's raw inserts, a merge. So the counts are never stale
and never an estimate; the dashboard sums a few tens of thousands of rows instead of scanning
the registry.

Topics (what is counted, with the same rules as the dashboard always had):

- ``people``: active people in active households; key = sex, born = date of birth. Age
  brackets are computed at read time from `born`, so nothing needs refreshing as people age.
- ``households``: active households; key = "".
- ``need``: specific-needs records of active people in active households; key = the code.
- ``shelters``: shelters; key = their status.

`born` is ``0001-01-01`` (UNKNOWN_BORN) where there is no date: unknown dates of birth, and every
topic but people. Test flushes on PostgreSQL TRUNCATE tables, which row triggers do not see: a
TRUNCATE trigger recounts from scratch.

`install` (run by migration registry 0004) creates the table and triggers and counts what is
already there; `recount` rebuilds the table from the records (a check, and a repair).
"""

from __future__ import annotations

from typing import Any

UNKNOWN_BORN = "0001-01-01"
TABLE = "registry_sitecount"

_RECOUNT = [
    f"DELETE FROM {TABLE}",
    f"""INSERT INTO {TABLE} (site_id, topic, key, born, n)
        SELECT h.site_id, 'households', '', '{UNKNOWN_BORN}', COUNT(*)
        FROM registry_household h WHERE h.status = 'active' GROUP BY h.site_id""",
    f"""INSERT INTO {TABLE} (site_id, topic, key, born, n)
        SELECT h.site_id, 'people', i.sex, COALESCE(i.date_of_birth, '{UNKNOWN_BORN}'), COUNT(*)
        FROM registry_individual i JOIN registry_household h ON h.id = i.household_id
        WHERE i.status = 'active' AND h.status = 'active'
        GROUP BY h.site_id, i.sex, COALESCE(i.date_of_birth, '{UNKNOWN_BORN}')""",
    f"""INSERT INTO {TABLE} (site_id, topic, key, born, n)
        SELECT h.site_id, 'need', r.code, '{UNKNOWN_BORN}', COUNT(*)
        FROM registry_specificneedrecord r
        JOIN registry_individual i ON i.id = r.individual_id
        JOIN registry_household h ON h.id = i.household_id
        WHERE i.status = 'active' AND h.status = 'active'
        GROUP BY h.site_id, r.code""",
    f"""INSERT INTO {TABLE} (site_id, topic, key, born, n)
        SELECT b.site_id, 'shelters', s.status, '{UNKNOWN_BORN}', COUNT(*)
        FROM shelters_shelter s JOIN shelters_block b ON b.id = s.block_id
        GROUP BY b.site_id, s.status""",
]

_UPSERT = "ON CONFLICT (topic, site_id, key, born) DO UPDATE SET n = {table}.n + excluded.n"

# --- PostgreSQL --------------------------------------------------------------------------------

_PG_UPSERT = _UPSERT.format(table="c")

_POSTGRES = f"""
CREATE TABLE {TABLE} (
    site_id bigint NOT NULL,
    topic varchar(10) NOT NULL,
    key varchar(20) NOT NULL,
    born date NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (topic, site_id, key, born)
);

CREATE FUNCTION {TABLE}_add(p_site bigint, p_topic text, p_key text, p_born date, p_n bigint)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO {TABLE} AS c (site_id, topic, key, born, n)
    VALUES (p_site, p_topic, p_key, COALESCE(p_born, DATE '{UNKNOWN_BORN}'), p_n)
    {_PG_UPSERT};
$$;

-- One person (and their needs) in or out of the counts of a site.
CREATE FUNCTION {TABLE}_person(p_id bigint, p_site bigint, p_sex text, p_born date, p_sign int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {TABLE}_add(p_site, 'people', p_sex, p_born, p_sign);
    INSERT INTO {TABLE} AS c (site_id, topic, key, born, n)
        SELECT p_site, 'need', r.code, DATE '{UNKNOWN_BORN}', p_sign * COUNT(*)
        FROM registry_specificneedrecord r WHERE r.individual_id = p_id GROUP BY r.code
    {_PG_UPSERT};
END $$;

-- A household (its active members and their needs) in or out of the counts of a site.
CREATE FUNCTION {TABLE}_household(p_id bigint, p_site bigint, p_sign int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {TABLE}_add(p_site, 'households', '', NULL, p_sign);
    INSERT INTO {TABLE} AS c (site_id, topic, key, born, n)
        SELECT p_site, 'people', i.sex, COALESCE(i.date_of_birth, DATE '{UNKNOWN_BORN}'),
               p_sign * COUNT(*)
        FROM registry_individual i WHERE i.household_id = p_id AND i.status = 'active'
        GROUP BY i.sex, COALESCE(i.date_of_birth, DATE '{UNKNOWN_BORN}')
    {_PG_UPSERT};
    INSERT INTO {TABLE} AS c (site_id, topic, key, born, n)
        SELECT p_site, 'need', r.code, DATE '{UNKNOWN_BORN}', p_sign * COUNT(*)
        FROM registry_specificneedrecord r JOIN registry_individual i ON i.id = r.individual_id
        WHERE i.household_id = p_id AND i.status = 'active' GROUP BY r.code
    {_PG_UPSERT};
END $$;

CREATE FUNCTION {TABLE}_individual() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s bigint;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'active' THEN
        SELECT site_id INTO s FROM registry_household
        WHERE id = OLD.household_id AND status = 'active';
        IF FOUND THEN
            PERFORM {TABLE}_person(OLD.id, s, OLD.sex, OLD.date_of_birth, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'active' THEN
        SELECT site_id INTO s FROM registry_household
        WHERE id = NEW.household_id AND status = 'active';
        IF FOUND THEN
            PERFORM {TABLE}_person(NEW.id, s, NEW.sex, NEW.date_of_birth, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_individual_update
    AFTER UPDATE OF status, sex, date_of_birth, household_id ON registry_individual
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.sex IS DISTINCT FROM NEW.sex
        OR OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth
        OR OLD.household_id IS DISTINCT FROM NEW.household_id
    ) EXECUTE FUNCTION {TABLE}_individual();

CREATE FUNCTION {TABLE}_household_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'active' THEN
        PERFORM {TABLE}_household(OLD.id, OLD.site_id, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'active' THEN
        PERFORM {TABLE}_household(NEW.id, NEW.site_id, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_household_update AFTER UPDATE OF status, site_id ON registry_household
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.site_id IS DISTINCT FROM NEW.site_id
    ) EXECUTE FUNCTION {TABLE}_household_row();

CREATE FUNCTION {TABLE}_need() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT h.site_id INTO s FROM registry_individual i
        JOIN registry_household h ON h.id = i.household_id
        WHERE i.id = OLD.individual_id AND i.status = 'active' AND h.status = 'active';
        IF FOUND THEN PERFORM {TABLE}_add(s, 'need', OLD.code, NULL, -1); END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT h.site_id INTO s FROM registry_individual i
        JOIN registry_household h ON h.id = i.household_id
        WHERE i.id = NEW.individual_id AND i.status = 'active' AND h.status = 'active';
        IF FOUND THEN PERFORM {TABLE}_add(s, 'need', NEW.code, NULL, 1); END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_need_update AFTER UPDATE OF code, individual_id
    ON registry_specificneedrecord FOR EACH ROW WHEN (
        OLD.code IS DISTINCT FROM NEW.code OR OLD.individual_id IS DISTINCT FROM NEW.individual_id
    ) EXECUTE FUNCTION {TABLE}_need();

CREATE FUNCTION {TABLE}_shelter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM {TABLE}_add((SELECT site_id FROM shelters_block WHERE id = OLD.block_id),
                            'shelters', OLD.status, NULL, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM {TABLE}_add((SELECT site_id FROM shelters_block WHERE id = NEW.block_id),
                            'shelters', NEW.status, NULL, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_shelter_update AFTER UPDATE OF status, block_id ON shelters_shelter
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.block_id IS DISTINCT FROM NEW.block_id
    ) EXECUTE FUNCTION {TABLE}_shelter();

CREATE FUNCTION {TABLE}_block() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} AS c (site_id, topic, key, born, n)
        SELECT OLD.site_id, 'shelters', s.status, DATE '{UNKNOWN_BORN}', -COUNT(*)
        FROM shelters_shelter s WHERE s.block_id = OLD.id GROUP BY s.status
    {_PG_UPSERT};
    INSERT INTO {TABLE} AS c (site_id, topic, key, born, n)
        SELECT NEW.site_id, 'shelters', s.status, DATE '{UNKNOWN_BORN}', COUNT(*)
        FROM shelters_shelter s WHERE s.block_id = NEW.id GROUP BY s.status
    {_PG_UPSERT};
    RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_block_update AFTER UPDATE OF site_id ON shelters_block
    FOR EACH ROW WHEN (OLD.site_id IS DISTINCT FROM NEW.site_id)
    EXECUTE FUNCTION {TABLE}_block();

CREATE FUNCTION {TABLE}_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {";\n    ".join(_RECOUNT)};
    RETURN NULL;
END $$;
CREATE TRIGGER {TABLE}_truncate_individual AFTER TRUNCATE ON registry_individual
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_recount();
CREATE TRIGGER {TABLE}_truncate_household AFTER TRUNCATE ON registry_household
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_recount();
CREATE TRIGGER {TABLE}_truncate_need AFTER TRUNCATE ON registry_specificneedrecord
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_recount();
CREATE TRIGGER {TABLE}_truncate_shelter AFTER TRUNCATE ON shelters_shelter
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_recount();
"""

# Inserts and deletes are counted once per statement, from its transition table: the
# synthetic loader inserts a thousand rows a statement, and one grouped upsert each is far
# cheaper than a thousand. (PostgreSQL allows no column list on such triggers, so updates stay
# row triggers, filtered by WHEN to the changes that matter.)
_PG_STATEMENT_COUNTS = {
    "registry_individual": [
        """SELECT h.site_id, 'people', i.sex, COALESCE(i.date_of_birth, DATE '{born}'),
                  {sign}COUNT(*)
           FROM changed i JOIN registry_household h ON h.id = i.household_id
           WHERE i.status = 'active' AND h.status = 'active'
           GROUP BY h.site_id, i.sex, COALESCE(i.date_of_birth, DATE '{born}')""",
        """SELECT h.site_id, 'need', r.code, DATE '{born}', {sign}COUNT(*)
           FROM changed i JOIN registry_household h ON h.id = i.household_id
           JOIN registry_specificneedrecord r ON r.individual_id = i.id
           WHERE i.status = 'active' AND h.status = 'active'
           GROUP BY h.site_id, r.code""",
    ],
    "registry_household": [
        """SELECT h.site_id, 'households', '', DATE '{born}', {sign}COUNT(*)
           FROM changed h WHERE h.status = 'active' GROUP BY h.site_id""",
        """SELECT h.site_id, 'people', i.sex, COALESCE(i.date_of_birth, DATE '{born}'),
                  {sign}COUNT(*)
           FROM changed h JOIN registry_individual i ON i.household_id = h.id
           WHERE h.status = 'active' AND i.status = 'active'
           GROUP BY h.site_id, i.sex, COALESCE(i.date_of_birth, DATE '{born}')""",
        """SELECT h.site_id, 'need', r.code, DATE '{born}', {sign}COUNT(*)
           FROM changed h JOIN registry_individual i ON i.household_id = h.id
           JOIN registry_specificneedrecord r ON r.individual_id = i.id
           WHERE h.status = 'active' AND i.status = 'active'
           GROUP BY h.site_id, r.code""",
    ],
    "registry_specificneedrecord": [
        """SELECT h.site_id, 'need', r.code, DATE '{born}', {sign}COUNT(*)
           FROM changed r JOIN registry_individual i ON i.id = r.individual_id
           JOIN registry_household h ON h.id = i.household_id
           WHERE i.status = 'active' AND h.status = 'active'
           GROUP BY h.site_id, r.code""",
    ],
    "shelters_shelter": [
        """SELECT b.site_id, 'shelters', s.status, DATE '{born}', {sign}COUNT(*)
           FROM changed s JOIN shelters_block b ON b.id = s.block_id
           GROUP BY b.site_id, s.status""",
    ],
}


def _pg_statement_triggers() -> str:
    parts = []
    for table, selects in _PG_STATEMENT_COUNTS.items():
        for event, transition, sign in (("INSERT", "NEW", ""), ("DELETE", "OLD", "-")):
            name = f"{TABLE}_{table}_{event.lower()}"
            body = "\n".join(
                f"INSERT INTO {TABLE} AS c (site_id, topic, key, born, n) "
                f"{select.format(born=UNKNOWN_BORN, sign=sign)} {_PG_UPSERT};"
                for select in selects
            )
            parts.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body}\nRETURN NULL;\nEND $$;\n"
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"REFERENCING {transition} TABLE AS changed "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
    return "\n".join(parts)


_POSTGRES += _pg_statement_triggers()

# Households changing status or site in bulk (a verification round's close sets tens of
# thousands inactive in one UPDATE) are counted once per statement, from its transition tables
# (migration registry 0013 puts this in place of the row trigger `…_household_update`). A row
# trigger upserts the site's `households` row once per household, and PostgreSQL follows every
# earlier version of a row updated many times in one transaction: quadratic (50 000 households
# took eight minutes; this takes about a second). PostgreSQL allows no column list on a
# trigger with transition tables, so it runs on every UPDATE of the table and keeps to the rows
# whose status or site changed.
_PG_HOUSEHOLD_UPDATE_FUNCTION = f"{TABLE}_registry_household_update"
_PG_HOUSEHOLD_UPDATE = f"""
DROP TRIGGER IF EXISTS {TABLE}_household_update ON registry_household;
CREATE FUNCTION {_PG_HOUSEHOLD_UPDATE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (
        SELECT o.id, o.site_id AS old_site, o.status = 'active' AS was_active,
               n.site_id AS new_site, n.status = 'active' AS is_active
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.status IS DISTINCT FROM n.status OR o.site_id IS DISTINCT FROM n.site_id
    ), sides AS (
        SELECT id, old_site AS site_id, -1 AS sign FROM moved WHERE was_active
        UNION ALL
        SELECT id, new_site, 1 FROM moved WHERE is_active
    )
    INSERT INTO {TABLE} AS c (site_id, topic, key, born, n)
    SELECT site_id, topic, key, born, SUM(sign) FROM (
        SELECT s.site_id, 'households'::text AS topic, ''::text AS key,
               DATE '{UNKNOWN_BORN}' AS born, s.sign
        FROM sides s
        UNION ALL
        SELECT s.site_id, 'people', i.sex, COALESCE(i.date_of_birth, DATE '{UNKNOWN_BORN}'),
               s.sign
        FROM sides s JOIN registry_individual i ON i.household_id = s.id
        WHERE i.status = 'active'
        UNION ALL
        SELECT s.site_id, 'need', r.code, DATE '{UNKNOWN_BORN}', s.sign
        FROM sides s JOIN registry_individual i ON i.household_id = s.id
        JOIN registry_specificneedrecord r ON r.individual_id = i.id
        WHERE i.status = 'active'
    ) d
    GROUP BY site_id, topic, key, born
    {_PG_UPSERT};
    RETURN NULL;
END $$;
CREATE TRIGGER {_PG_HOUSEHOLD_UPDATE_FUNCTION} AFTER UPDATE ON registry_household
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {_PG_HOUSEHOLD_UPDATE_FUNCTION}();
"""
_PG_HOUSEHOLD_UPDATE_UNDO = f"""
DROP FUNCTION IF EXISTS {_PG_HOUSEHOLD_UPDATE_FUNCTION}() CASCADE;
CREATE TRIGGER {TABLE}_household_update AFTER UPDATE OF status, site_id ON registry_household
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.site_id IS DISTINCT FROM NEW.site_id
    ) EXECUTE FUNCTION {TABLE}_household_row();
"""


def count_household_updates_per_statement(schema_editor: Any) -> None:
    """PostgreSQL: household updates counted per statement (see above); SQLite updates a row
    in place and keeps its row triggers."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_PG_HOUSEHOLD_UPDATE)


def count_household_updates_per_row(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_PG_HOUSEHOLD_UPDATE_UNDO)


_POSTGRES_DROP = (
    "\n".join(
        f"DROP FUNCTION IF EXISTS {TABLE}_{table}_{event}() CASCADE;"
        for table in _PG_STATEMENT_COUNTS
        for event in ("insert", "delete")
    )
    + f"""
DROP FUNCTION IF EXISTS {TABLE}_registry_household_update() CASCADE;
DROP TABLE IF EXISTS {TABLE};
DROP FUNCTION IF EXISTS {TABLE}_individual() CASCADE;
DROP FUNCTION IF EXISTS {TABLE}_household_row() CASCADE;
DROP FUNCTION IF EXISTS {TABLE}_need() CASCADE;
DROP FUNCTION IF EXISTS {TABLE}_shelter() CASCADE;
DROP FUNCTION IF EXISTS {TABLE}_block() CASCADE;
DROP FUNCTION IF EXISTS {TABLE}_recount() CASCADE;
DROP FUNCTION IF EXISTS {TABLE}_household(bigint, bigint, int);
DROP FUNCTION IF EXISTS {TABLE}_person(bigint, bigint, text, date, int);
DROP FUNCTION IF EXISTS {TABLE}_add(bigint, text, text, date, bigint);
"""
)

# --- SQLite: no procedures, so each trigger is a list of INSERT … SELECT … WHERE upserts ----

_SQ_UPSERT = _UPSERT.format(table=TABLE)
_COLUMNS = f"INSERT INTO {TABLE} (site_id, topic, key, born, n)"


def _sqlite_person(row: str, sign: str) -> str:
    """Statements moving the person `row` (OLD or NEW) with their needs in (+) or out (-)."""
    return f"""
    {_COLUMNS} SELECT h.site_id, 'people', {row}.sex,
        COALESCE({row}.date_of_birth, '{UNKNOWN_BORN}'), {sign}1
        FROM registry_household h
        WHERE h.id = {row}.household_id AND h.status = 'active' AND {row}.status = 'active'
        {_SQ_UPSERT};
    {_COLUMNS} SELECT h.site_id, 'need', r.code, '{UNKNOWN_BORN}', {sign}COUNT(*)
        FROM registry_specificneedrecord r JOIN registry_household h ON h.id = {row}.household_id
        WHERE r.individual_id = {row}.id AND h.status = 'active' AND {row}.status = 'active'
        GROUP BY h.site_id, r.code
        {_SQ_UPSERT};"""


def _sqlite_household(row: str, sign: str) -> str:
    return f"""
    {_COLUMNS} SELECT {row}.site_id, 'households', '', '{UNKNOWN_BORN}', {sign}1
        WHERE {row}.status = 'active'
        {_SQ_UPSERT};
    {_COLUMNS} SELECT {row}.site_id, 'people', i.sex,
        COALESCE(i.date_of_birth, '{UNKNOWN_BORN}'), {sign}COUNT(*)
        FROM registry_individual i
        WHERE i.household_id = {row}.id AND i.status = 'active' AND {row}.status = 'active'
        GROUP BY i.sex, COALESCE(i.date_of_birth, '{UNKNOWN_BORN}')
        {_SQ_UPSERT};
    {_COLUMNS} SELECT {row}.site_id, 'need', r.code, '{UNKNOWN_BORN}', {sign}COUNT(*)
        FROM registry_specificneedrecord r JOIN registry_individual i ON i.id = r.individual_id
        WHERE i.household_id = {row}.id AND i.status = 'active' AND {row}.status = 'active'
        GROUP BY r.code
        {_SQ_UPSERT};"""


def _sqlite_need(row: str, sign: str) -> str:
    return f"""
    {_COLUMNS} SELECT h.site_id, 'need', {row}.code, '{UNKNOWN_BORN}', {sign}1
        FROM registry_individual i JOIN registry_household h ON h.id = i.household_id
        WHERE i.id = {row}.individual_id AND i.status = 'active' AND h.status = 'active'
        {_SQ_UPSERT};"""


def _sqlite_shelter(row: str, sign: str) -> str:
    return f"""
    {_COLUMNS} SELECT b.site_id, 'shelters', {row}.status, '{UNKNOWN_BORN}', {sign}1
        FROM shelters_block b WHERE b.id = {row}.block_id
        {_SQ_UPSERT};"""


def _sqlite_block(row: str, sign: str) -> str:
    return f"""
    {_COLUMNS} SELECT {row}.site_id, 'shelters', s.status, '{UNKNOWN_BORN}', {sign}COUNT(*)
        FROM shelters_shelter s WHERE s.block_id = {row}.id GROUP BY s.status
        {_SQ_UPSERT};"""


def _sqlite_triggers(
    name: str, table: str, body: Any, changed: list[str], *, insert_delete: bool = True
) -> list[str]:
    when = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in changed)
    statements = [
        f"CREATE TRIGGER {TABLE}_{name}_update AFTER UPDATE OF {', '.join(changed)} ON {table} "
        f"WHEN {when} BEGIN {body('OLD', '-')} {body('NEW', '')} END"
    ]
    if insert_delete:
        statements += [
            f"CREATE TRIGGER {TABLE}_{name}_insert AFTER INSERT ON {table} "
            f"BEGIN {body('NEW', '')} END",
            f"CREATE TRIGGER {TABLE}_{name}_delete AFTER DELETE ON {table} "
            f"BEGIN {body('OLD', '-')} END",
        ]
    return statements


_SQLITE = [
    f"""CREATE TABLE {TABLE} (
        site_id integer NOT NULL,
        topic varchar(10) NOT NULL,
        key varchar(20) NOT NULL,
        born date NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (topic, site_id, key, born)
    )""",
    *_sqlite_triggers(
        "individual",
        "registry_individual",
        _sqlite_person,
        ["status", "sex", "date_of_birth", "household_id"],
    ),
    *_sqlite_triggers("household", "registry_household", _sqlite_household, ["status", "site_id"]),
    *_sqlite_triggers(
        "need", "registry_specificneedrecord", _sqlite_need, ["code", "individual_id"]
    ),
    *_sqlite_triggers("shelter", "shelters_shelter", _sqlite_shelter, ["status", "block_id"]),
    *_sqlite_triggers("block", "shelters_block", _sqlite_block, ["site_id"], insert_delete=False),
]

_SQLITE_DROP = [f"DROP TABLE IF EXISTS {TABLE}"]  # its triggers go with their tables' ALTERs


def install(schema_editor: Any) -> None:
    """Create the table and its triggers, then count what the database already holds."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRES)
    elif vendor == "sqlite":
        for statement in _SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"site counts are not written for {vendor}")
    recount(schema_editor.connection)
    # Planner statistics for the new table: without them PostgreSQL plans for a few hundred
    # rows, and sorts tens of thousands on disk.
    schema_editor.execute(f"ANALYZE {TABLE}")


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRES_DROP)
    elif vendor == "sqlite":
        for trigger in _sqlite_trigger_names():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in _SQLITE_DROP:
            schema_editor.execute(statement)


def _sqlite_trigger_names() -> list[str]:
    return [statement.split()[2] for statement in _SQLITE if statement.startswith("CREATE TRIGGER")]


def recount(connection: Any) -> None:
    """Rebuild every count from the records (in the caller's transaction)."""
    with connection.cursor() as cursor:
        for statement in _RECOUNT:
            cursor.execute(statement)
