"""Two pytest sessions that share the files of one suite between them, file by file.

contrib/test.sh runs the integration tests in the session of the unit and
integration tests and, once the guest lane is done, in a third session on the
core it frees. Both are given the same directory
(``HUTCH_TEST_SHARE=DIR``): before it runs the first test of a file, a session
claims the file by creating its marker there (``O_EXCL``, so exactly one of them
gets it) and runs it only if the claim is its own. Claims are made as the run
reaches each file, not planned ahead, so the two sessions end close together on
any machine, whatever the speed of the guest lane before the third one.

When it ends, a session adds a line to ``ran``: how many tests it ran and how many
it collected, which test.sh adds up so that a file no session ran cannot pass unseen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARE_VAR = "HUTCH_TEST_SHARE"


class SharedFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.claims: dict[Path, bool] = {}
        self.ran = 0
        self.collected = 0

    def claim(self, path: Path) -> bool:
        """Whether this session runs the tests of PATH: the first to ask gets it."""
        mine = self.claims.get(path)
        if mine is None:
            marker = self.directory / str(path).strip("/").replace("/", "%")
            try:
                os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                mine = True
            except FileExistsError:
                mine = False
            self.claims[path] = mine
        return mine

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        # pytest's own loop, with the files another session claimed left out
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            raise session.Interrupted(f"{session.testsfailed} errors during collection")
        if session.config.option.collectonly:
            return True
        items = session.items
        self.collected = len(items)
        for i, item in enumerate(items):
            if not self.claim(item.path):
                continue
            # the next item decides which fixtures end here: one of a file that
            # this session will not run ends the module's, as a new file would
            nextitem = items[i + 1] if i + 1 < len(items) else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            self.ran += 1
            if session.shouldfail:
                raise session.Failed(session.shouldfail)
            if session.shouldstop:
                raise session.Interrupted(session.shouldstop)
        return True

    def pytest_sessionfinish(self) -> None:
        # one short write in append mode: the two sessions' lines never mix
        with open(self.directory / "ran", "a") as out:
            out.write(f"{self.ran} {self.collected}\n")


def register(config: pytest.Config) -> None:
    """Share the run's files through $HUTCH_TEST_SHARE, when it names a directory."""
    # taken out of the environment: a pytest session that a test starts (pytester,
    # in this process or another) is not one of the sharing sessions
    directory = os.environ.pop(SHARE_VAR, None)
    if directory:
        config.pluginmanager.register(SharedFiles(Path(directory)), "hutch-shared-files")
