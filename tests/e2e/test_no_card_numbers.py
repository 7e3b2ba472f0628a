"""After every other E2E test (the conftest keeps this one last): no card number was stored or logged anywhere."""

from __future__ import annotations

from tests.e2e.cards import scan_file, scan_sqlite
from tests.e2e.server import RemitServer


def test_no_card_number_in_the_database_or_the_server_log(remit_server: RemitServer) -> None:
    db = remit_server.db_path
    leaks = [
        *scan_sqlite(db),
        *scan_file(db, "database file (free pages too)"),
        *scan_file(db.with_name(db.name + "-wal"), "database write-ahead log"),
        *scan_file(remit_server.log_path, "server log"),
    ]
    assert not leaks, "Card numbers where none may be:\n" + "\n".join(sorted({str(leak) for leak in leaks}))
