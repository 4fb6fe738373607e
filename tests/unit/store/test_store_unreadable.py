"""Store files that cannot be read: said so, for the one container or the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import HutchError
from hutch.runtime import state as st
from hutch.store import db


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1,2]", b'{"health": 5}'])
def test_an_unreadable_state_file_reads_as_unknown(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(raw)
    state = st.read_state(path)
    assert state.status == st.UNKNOWN
    assert f"{path} cannot be read" in state.error
    assert st.reconciled(state) is state  # not mistaken for a dead monitor's run


def test_a_zero_length_database_beside_layers_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "layers" / "abc").mkdir(parents=True)
    (tmp_path / "hutch.db").write_bytes(b"")
    with pytest.raises(HutchError, match="is empty \\(0 bytes\\)") as info:
        db.connect(tmp_path / "hutch.db")
    assert info.value.hint is not None and "system reset" in info.value.hint


def test_a_zero_length_database_of_a_new_store_is_created(tmp_path: Path) -> None:
    (tmp_path / "hutch.db").write_bytes(b"")  # a first command killed at creation
    db.connect(tmp_path / "hutch.db").close()


def test_a_garbage_database_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "hutch.db").write_bytes(b"x" * 4096)
    with pytest.raises(HutchError, match=f"the database {tmp_path}/hutch.db cannot be read"):
        db.connect(tmp_path / "hutch.db")
