"""A store file that cannot be read: reported for that container only, or, for the
database, an error that names it (never a silently empty store) (issue 21 item 5)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from harness import Hutch


def _storage(hutch: Hutch) -> Path:
    return hutch.env.data_home / "hutch" / "storage"


def test_a_corrupt_state_file_is_one_unknown_container(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "good", base_image, "true")
    hutch("run", "--name", "bad", base_image, "true")
    bad_id = hutch("inspect", "--format", "{{.Id}}", "bad").stdout.strip()
    (_storage(hutch) / "containers" / bad_id / "userdata" / "state.json").write_bytes(b"")
    listing = hutch("ps", "-a", "--format", "{{.Names}} {{.Status}}")
    assert sorted(listing.stdout.splitlines())[0] == "bad Unknown"
    assert any(line.startswith("good Exited (0)") for line in listing.stdout.splitlines())
    assert f"WARN: container {bad_id[:12]}:" in listing.stderr
    assert "rm -f" in listing.stderr
    hutch("rm", "-f", "bad")
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == "good\n"


def test_a_garbage_config_row_is_one_unknown_container(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "good", base_image, "true")
    hutch("create", "--name", "bad", base_image, "true")
    with sqlite3.connect(_storage(hutch) / "hutch.db") as conn:
        conn.execute("UPDATE containers SET config = x'00ff7b' WHERE name = 'bad'")
    conn.close()
    listing = hutch("ps", "-a", "--format", "{{.Names}} {{.Status}}")
    assert sorted(listing.stdout.splitlines()) == ["bad Unknown", "good Created"]
    assert "its record cannot be read" in listing.stderr
    inspect = hutch("inspect", "bad", check=False)  # one Error line, no traceback
    assert inspect.returncode == 125 and inspect.stderr.startswith("Error: ")
    hutch("rm", "-f", "bad")
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == "good\n"


def test_a_zero_length_database_is_an_error_not_an_empty_store(
    hutch: Hutch, base_image: str
) -> None:
    (_storage(hutch) / "hutch.db").write_bytes(b"")
    result = hutch("images", check=False)
    assert result.returncode == 125
    assert result.stderr.startswith(f"Error: the database {_storage(hutch)}/hutch.db is empty")
    assert "system reset" in result.stderr
