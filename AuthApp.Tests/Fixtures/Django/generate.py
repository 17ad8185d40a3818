#!/usr/bin/python3
"""Writes django-users.sql.gz and django-users.json beside this file: the original Django service's users table.

Every stored password is made by Django's own hashers (django.contrib.auth.hashers, Debian's python3-django 3.2 with
python3-argon2 and python3-bcrypt), from the password with the pepper appended, as the original service's
PasswordUtils did. The JSON holds what the dump cannot: the plaintext passwords and the pepper.

The output is checked before it is kept: both files are written under temporary names, read back, every named user's
hash is verified with Django's check_password, and only then are they moved into place. Any failed check exits
non-zero and leaves the committed files untouched.

Run it through ./generate.sh, which installs the Debian packages when they are missing.
"""

import datetime
import gzip
import json
import os
import re
import secrets
import string
import sys
import uuid

try:
    import argon2  # noqa: F401  (Django's Argon2PasswordHasher imports it when hashing)
    import bcrypt  # noqa: F401  (likewise for the bcrypt hashers)
    import django
    from django.conf import settings
except ImportError as missing:
    sys.exit(f"{missing}: run ./generate.sh, or 'sudo apt-get install python3-django python3-argon2 python3-bcrypt' "
             "and this script with /usr/bin/python3")

# The stock hashers, for check_password: it picks one by the stored value's algorithm name and reads the cost
# parameters from the stored value itself, so the checks below do not depend on the subclasses used to hash.
settings.configure(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ],
)

from django.contrib.auth import hashers  # noqa: E402  (needs the settings above)

HERE = os.path.dirname(os.path.abspath(__file__))
SQL_FILE = "django-users.sql.gz"
JSON_FILE = "django-users.json"

BULK_COUNT = 20_000
BULK_PASSWORD = "Bulk-django"
NAMED_COUNT = 17
ROWS_PER_INSERT = 500
EXPECTED_PREFIXES = {"!", "argon2", "bcrypt", "bcrypt_sha256", "md5", "pbkdf2_sha1", "pbkdf2_sha256"}


# --- The hashers, with their cost parameters written out rather than left to the installed Django's defaults ---------

class PBKDF2At1M(hashers.PBKDF2PasswordHasher):
    """Django 5.2's PBKDF2 cost: the original's registration route stored passwords at 1,000,000 iterations."""
    iterations = 1_000_000


class PBKDF2At260k(hashers.PBKDF2PasswordHasher):
    """Django 3.2's PBKDF2 cost."""
    iterations = 260_000


class PBKDF2SHA1At260k(hashers.PBKDF2SHA1PasswordHasher):
    iterations = 260_000


class Argon2At100MiB(hashers.Argon2PasswordHasher):
    """Stored as argon2$argon2id$v=19$m=102400,t=2,p=8$…: 100 MiB, two passes, eight lanes."""
    time_cost = 2
    memory_cost = 102_400
    parallelism = 8


class BCryptSHA256Cost12(hashers.BCryptSHA256PasswordHasher):
    rounds = 12


class BCryptCost12(hashers.BCryptPasswordHasher):
    rounds = 12


PBKDF2_1M = PBKDF2At1M()
PBKDF2_260K = PBKDF2At260k()

# hasher label -> hasher (None: an unusable password, made by make_password(None) as set_unusable_password does).
FORMATS = {
    "pbkdf2_sha256_1m": PBKDF2_1M,
    "pbkdf2_sha256_260k": PBKDF2_260K,
    "pbkdf2_sha1": PBKDF2SHA1At260k(),
    "argon2": Argon2At100MiB(),
    "bcrypt_sha256": BCryptSHA256Cost12(),
    "bcrypt": BCryptCost12(),
    "md5": hashers.MD5PasswordHasher(),  # salted: md5$<salt>$<hex>
    "unusable": None,
}


# --- Random values ---------------------------------------------------------------------------------------------------

def random_pepper():
    """16 letters and digits. The tests build a wrong pepper by replacing the last character with 'X', so never 'X'."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pepper = "".join(secrets.choice(alphabet) for _ in range(16))
        if not pepper.endswith("X"):
            return pepper


def fixture_password():
    return "Fixture-" + secrets.token_urlsafe(9)  # 9 random bytes: 12 URL-safe characters


def suffix():
    return secrets.token_hex(4)


class Clock:
    """Timestamps as the rows' writes would have made them: now, strictly increasing (so the case twin that joined
    first is unambiguous), printed as PostgreSQL prints timestamptz in UTC."""

    def __init__(self):
        self.last = datetime.datetime.now(datetime.timezone.utc)

    def tick(self, microseconds=1):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.last = max(now, self.last + datetime.timedelta(microseconds=microseconds))
        return self.last


def pg_timestamp(value):
    """'2026-11-26 04:05:42.706465+00': PostgreSQL drops trailing zeros of the fraction, and the fraction if zero."""
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += (".%06d" % value.microsecond).rstrip("0")
    return text + "+00"


def parse_pg_timestamp(text):
    return datetime.datetime.fromisoformat(text.replace("+00", "+00:00"))


# --- The rows --------------------------------------------------------------------------------------------------------

def user(hasher_label, username, email, password, stored_prefix, is_active=True, is_staff=False, is_superuser=False):
    return {
        "id": str(uuid.uuid4()),
        "username": username,
        "email": email,
        "password": password,
        "hasher": hasher_label,
        "stored_prefix": stored_prefix,
        "is_active": is_active,
        "is_staff": is_staff,
        "is_superuser": is_superuser,
    }


def named_users():
    """The seventeen named users, in dump order (the registration-route user is written after the bulk)."""
    users = []
    for label, hasher in FORMATS.items():
        tag = suffix()
        prefix = "!" if hasher is None else hasher.algorithm
        password = None if hasher is None else fixture_password()
        users.append(user(label, "django" + label.replace("_", "") + tag, f"django.{label}.{tag}@example.org",
                          password, prefix))

    def plain(label, username=None, email=None, password=None, **flags):
        tag = suffix()
        users.append(user(label, username or "django" + label.replace("_", "") + tag,
                          email or f"django.{label}.{tag}@example.org", password or fixture_password(),
                          PBKDF2_260K.algorithm, **flags))

    shared = str(100_000 + secrets.randbelow(900_000))  # one number ties the awkward cases' names together
    plain("inactive", is_active=False)
    plain("staff", is_staff=True)
    plain("superuser", is_staff=True, is_superuser=True)
    # Django's unique constraint on email is case-sensitive: both rows exist in the original's table.
    plain("case_a", username="djangocasea" + suffix(), email=f"django.Case.{shared}@Example.org")
    plain("case_b", username="djangocaseb" + suffix(), email=f"django.case.{shared}@example.org")
    plain("unicode", username="djangoJosé" + shared)
    plain("long_username", username="django" + "x" * (70 - 6 - len(shared)) + shared)
    plain("unicode_password", password=f"Pässwörd-日本-{shared}")

    api = "djangoapi" + suffix()
    users.append(user("seed_registration_route", api, api + "@example.org",
                      "Api-Route-" + secrets.token_urlsafe(6) + "!", PBKDF2_1M.algorithm))
    assert len(users) == NAMED_COUNT
    return users


def stored_password(u, pepper):
    """The password column: Django's hash of password + pepper (appended), or an unusable '!…' value."""
    if u["password"] is None:
        return hashers.make_password(None)
    if u["hasher"] in FORMATS:
        hasher = FORMATS[u["hasher"]]
    elif u["hasher"] == "seed_registration_route":
        hasher = PBKDF2_1M
    else:  # the awkward cases are about the row, not the hash: Django 3.2's default
        hasher = PBKDF2_260K
    return hashers.make_password(u["password"] + pepper, hasher=hasher)


def sql_text(value):
    return "'" + value.replace("'", "''") + "'"


def sql_bool(value):
    return "true" if value else "false"


def sql_row(row):
    """One INSERT row in the column order of CREATE TABLE below."""
    values = [
        sql_text(row["id"]), sql_text(row["email"]), sql_text(row["username"]), sql_text(row["stored"]),
        sql_bool(row["is_active"]), sql_text(pg_timestamp(row["created_at"])),
        sql_text(pg_timestamp(row["updated_at"])), sql_text(pg_timestamp(row["date_joined"])),
        "''", sql_bool(row["is_staff"]), sql_bool(row["is_superuser"]), "NULL", "''",
    ]
    return "\t(" + ", ".join(values) + ")"


def saved(u, pepper, clock):
    """A named user as the model's save() would have written it: date_joined when the object was made, then the
    (slow) hashing, then created_at/updated_at."""
    date_joined = clock.tick()
    row = dict(u, stored=stored_password(u, pepper), date_joined=date_joined)
    row["created_at"] = clock.tick()
    row["updated_at"] = clock.tick(10)
    return row


def bulk_rows(pepper, clock):
    """20,000 users sharing one hash (hashed once: PBKDF2 20,000 times would take an hour), joined a minute apart."""
    shared_hash = hashers.make_password(BULK_PASSWORD + pepper, hasher=PBKDF2_260K)
    joined = clock.tick()
    rows = []
    for i in range(BULK_COUNT):
        created = clock.tick(10)
        rows.append({
            "id": str(uuid.uuid4()), "email": f"django.bulk{i}@example.org", "username": "djangobulk%07d" % i,
            "stored": shared_hash, "is_active": True, "is_staff": False, "is_superuser": False,
            "date_joined": joined - datetime.timedelta(minutes=i), "created_at": created,
            "updated_at": clock.tick(2),
        })
    return rows


# --- The files -------------------------------------------------------------------------------------------------------

SQL_HEADER = """\
-- The original Django service's users table, as its migrations (api/migrations 0001, 0002) created it, and rows
-- whose passwords Django {version}'s own hashers made from password + pepper (generate.py). Set: django.
"""

CREATE_TABLE = """\
CREATE TABLE public.users (
    id uuid NOT NULL,
    email character varying(100) NOT NULL,
    username character varying(100) NOT NULL,
    password character varying(100) NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    date_joined timestamp with time zone NOT NULL,
    first_name character varying(150) NOT NULL,
    is_staff boolean NOT NULL,
    is_superuser boolean NOT NULL,
    last_login timestamp with time zone,
    last_name character varying(150) NOT NULL
);
"""

CONSTRAINTS = """\
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_key UNIQUE (email);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_username_e8658fc8_uniq UNIQUE (username);

CREATE INDEX users_email_0ea73cca_like ON public.users USING btree (email varchar_pattern_ops);

CREATE INDEX users_username_e8658fc8_like ON public.users USING btree (username varchar_pattern_ops);
"""


def dump_sql(rows):
    """As pg_dump --rows-per-insert=500 writes it: INSERTs of 500 rows, one row a line."""
    inserts = ["INSERT INTO public.users VALUES\n" + ",\n".join(sql_row(r) for r in rows[i:i + ROWS_PER_INSERT]) + ";\n"
               for i in range(0, len(rows), ROWS_PER_INSERT)]
    return (SQL_HEADER.format(version=django.get_version()) + "\n" + CREATE_TABLE + "\n"
            + "".join(inserts) + "\n" + CONSTRAINTS + "\n")


def fixture_json(pepper, users):
    document = {
        "set": "django",
        "pepper": pepper,
        "bulk": {"count": BULK_COUNT, "password": BULK_PASSWORD, "username_pattern": "djangobulkNNNNNNN"},
        "users": users,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- The checks, on the files as written -----------------------------------------------------------------------------

# The tests' own pattern for a row (DjangoFixture.cs), and a fuller one for the flags and date_joined.
TEST_ROW = re.compile(r"^\s*\('(?P<id>[0-9a-f-]{36})', '(?:[^']|'')*', '(?:[^']|'')*', '(?P<password>(?:[^']|'')*)'")
FULL_ROW = re.compile(
    r"^\t\('(?P<id>[0-9a-f-]{36})', '(?P<email>(?:[^']|'')*)', '(?P<username>(?:[^']|'')*)', "
    r"'(?P<password>(?:[^']|'')*)', (?P<is_active>true|false), '[^']+', '[^']+', '(?P<date_joined>[^']+)', '', "
    r"(?P<is_staff>true|false), (?P<is_superuser>true|false), NULL, ''\)[,;]$")


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print("  ok:", message)


def verify(sql_path, json_path):
    with open(json_path, encoding="utf-8") as f:
        document = json.load(f)
    with gzip.open(sql_path, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")

    rows = []
    for line in lines:
        match = TEST_ROW.match(line)
        if match:
            full = FULL_ROW.match(line)
            if not full:
                raise CheckFailed("row not in the dump's format: " + line[:80])
            rows.append({k: v.replace("''", "'") for k, v in full.groupdict().items()})
    pepper, users = document["pepper"], document["users"]
    by_id = {r["id"]: r for r in rows}

    check(set(document) == {"set", "pepper", "bulk", "users"} and document["set"] == "django", "JSON keys")
    check(len(pepper) == 16 and pepper.isalnum() and pepper.isascii() and not pepper.endswith("X"),
          "pepper: 16 letters and digits, not ending in X")
    check(len(rows) == NAMED_COUNT + BULK_COUNT and len(by_id) == len(rows), f"{len(rows)} rows, ids unique")
    text = "\n".join(lines)
    check(CREATE_TABLE in text and CONSTRAINTS in text, "CREATE TABLE, constraints and indexes as the original's")
    row_lines = [line for line in lines if TEST_ROW.match(line)]
    ends = [");" if (i + 1) % ROWS_PER_INSERT == 0 or i == len(row_lines) - 1 else ")," for i in range(len(row_lines))]
    inserts = sum(line == "INSERT INTO public.users VALUES" for line in lines)
    check([line[-2:] for line in row_lines] == ends and inserts == -(-len(row_lines) // ROWS_PER_INSERT),
          f"one row a line, {inserts} INSERTs of up to {ROWS_PER_INSERT} rows")
    check(len({r["username"] for r in rows}) == len(rows) and len({r["email"] for r in rows}) == len(rows),
          "usernames and e-mails unique (case-sensitively, as the original's constraints)")
    check(all(len(r[c]) <= 100 for r in rows for c in ("email", "username", "password")),
          "email, username and password fit varchar(100)")
    check(len(users) == NAMED_COUNT and [r["id"] for r in rows[:NAMED_COUNT - 1]] + [rows[-1]["id"]]
          == [u["id"] for u in users], "17 named users: the first 16 rows and the last")
    check({u["stored_prefix"] for u in users} == EXPECTED_PREFIXES, "stored prefixes " + str(sorted(EXPECTED_PREFIXES)))

    for u in users:
        row = by_id[u["id"]]
        stored = row["password"]
        same = (row["email"], row["username"], row["is_active"], row["is_staff"], row["is_superuser"]) == (
            u["email"], u["username"], sql_bool(u["is_active"]), sql_bool(u["is_staff"]), sql_bool(u["is_superuser"]))
        check(same and stored.startswith(u["stored_prefix"]), f"{u['hasher']}: row matches the JSON, "
              f"stored value starts with {u['stored_prefix']!r}")
        if u["password"] is None:
            check(stored.startswith("!") and not hashers.is_password_usable(stored),
                  f"{u['hasher']}: Django's unusable password")
            continue
        check(hashers.check_password(u["password"] + pepper, stored), f"{u['hasher']}: password + pepper verifies")
        check(not hashers.check_password(u["password"], stored), f"{u['hasher']}: password alone does not")

    named = {u["hasher"]: u for u in users}
    check(by_id[named["pbkdf2_sha256_1m"]["id"]]["password"].startswith("pbkdf2_sha256$1000000$")
          and by_id[named["seed_registration_route"]["id"]]["password"].startswith("pbkdf2_sha256$1000000$")
          and by_id[named["pbkdf2_sha256_260k"]["id"]]["password"].startswith("pbkdf2_sha256$260000$")
          and by_id[named["pbkdf2_sha1"]["id"]]["password"].startswith("pbkdf2_sha1$260000$"), "PBKDF2 iterations")
    check(by_id[named["argon2"]["id"]]["password"].startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$"),
          "argon2 parameters m=102400,t=2,p=8")
    check(by_id[named["bcrypt"]["id"]]["password"].startswith("bcrypt$$2b$12$")
          and by_id[named["bcrypt_sha256"]["id"]]["password"].startswith("bcrypt_sha256$$2b$12$"), "bcrypt cost 12")
    case_a, case_b = by_id[named["case_a"]["id"]], by_id[named["case_b"]["id"]]
    # The import keeps the twin that joined first (neither has logged in), so case_b is the one it skips.
    check(case_a["email"] != case_b["email"] and case_a["email"].lower() == case_b["email"].lower()
          and parse_pg_timestamp(case_a["date_joined"]) < parse_pg_timestamp(case_b["date_joined"]),
          "case twins: e-mails differ only by case, case_a joined first")
    check(not named["unicode"]["username"].isascii() and len(named["long_username"]["username"]) == 70
          and not named["unicode_password"]["password"].isascii(),
          "non-ASCII username, 70-character username, non-ASCII password")

    bulk = [r for r in rows if r["id"] not in {u["id"] for u in users}]
    check(len(bulk) == BULK_COUNT and len({r["password"] for r in bulk}) == 1, "20000 bulk users share one hash")
    check([r["username"] for r in bulk] == ["djangobulk%07d" % i for i in range(BULK_COUNT)], "bulk usernames in order")
    expected_bulk = {"count": BULK_COUNT, "password": BULK_PASSWORD, "username_pattern": "djangobulkNNNNNNN"}
    check(document["bulk"] == expected_bulk, "bulk description")
    shared_hash = bulk[0]["password"]
    check(shared_hash.startswith("pbkdf2_sha256$260000$")
          and hashers.check_password(BULK_PASSWORD + pepper, shared_hash)
          and not hashers.check_password(BULK_PASSWORD, shared_hash), "bulk hash verifies with the pepper, not without")


# --- Main ------------------------------------------------------------------------------------------------------------

def main():
    print(f"Django {django.get_version()}: hashing the named users (PBKDF2 1,000,000, Argon2 100 MiB, bcrypt 12)...")
    pepper = random_pepper()
    clock = Clock()
    users = named_users()
    rows = [saved(u, pepper, clock) for u in users[:-1]]
    rows += bulk_rows(pepper, clock)
    # The registration-route user came last, after the bulk: its row is the dump's last.
    rows.append(saved(users[-1], pepper, clock))

    targets = {SQL_FILE: os.path.join(HERE, SQL_FILE), JSON_FILE: os.path.join(HERE, JSON_FILE)}
    temporary = {name: path + ".tmp" for name, path in targets.items()}
    try:
        # mtime=0 and no file name in the gzip header: the bytes depend on the content alone.
        with open(temporary[SQL_FILE], "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(dump_sql(rows).encode("utf-8"))
        with open(temporary[JSON_FILE], "w", encoding="utf-8", newline="\n") as f:
            f.write(fixture_json(pepper, users))
        print("Checking the written files with Django's check_password...")
        verify(temporary[SQL_FILE], temporary[JSON_FILE])
        for name, path in targets.items():
            os.replace(temporary[name], path)
            print(f"wrote {path} ({os.path.getsize(path)} bytes)")
        return 0
    except CheckFailed as failure:
        print("FAILED:", failure, "- the committed files are unchanged", file=sys.stderr)
        return 1
    finally:
        for path in temporary.values():  # left only when a check failed or something raised
            if os.path.exists(path):
                os.remove(path)


if __name__ == "__main__":
    sys.exit(main())
