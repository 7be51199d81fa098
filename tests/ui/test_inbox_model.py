"""The inbox model over a real cache: lazy pages, and refreshes that keep the view's place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtTest import QAbstractItemModelTester

from bellbar.core.cache import Cache
from bellbar.core.model import Notification
from bellbar.providers.base import Page
from bellbar.ui.inbox_model import PAGE, InboxModel

START = datetime(2026, 1, 1, tzinfo=UTC)


def item(number: int) -> Notification:
    """Item `number`; a higher number is newer."""
    return Notification(
        "acc", f"n{number}", f"title {number}", "body", START + timedelta(minutes=number)
    )


@pytest.fixture
def cache(tmp_path: Path):  # type: ignore[no-untyped-def]
    cache = Cache(tmp_path / "cache.sqlite3")
    yield cache
    cache.close()


def loaded_ids(model: InboxModel) -> list[str]:
    return [model.notification(row).id for row in range(model.rowCount())]  # type: ignore[union-attr]


def test_new_items_are_inserted_on_top_and_the_selection_stays(qtbot, cache: Cache) -> None:
    cache.apply_page("acc", Page(tuple(item(n) for n in range(PAGE + 50)), None))
    model = InboxModel(cache)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.refresh()
    model.fetchMore()
    assert model.rowCount() == PAGE + 50
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(10), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    selected = model.notification(10)
    resets: list[None] = []
    inserted: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(None))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))

    cache.apply_page("acc", Page((item(1000), item(1001), item(1002)), None))
    model.refresh()

    assert resets == [] and inserted == [(0, 2)]
    assert loaded_ids(model)[:4] == ["n1002", "n1001", "n1000", f"n{PAGE + 49}"]
    assert model.rowCount() == PAGE + 53, "no loaded row is dropped"
    assert model.notification(selection.currentIndex().row()) == selected


def test_a_changed_state_updates_its_row_in_place(qtbot, cache: Cache) -> None:
    cache.apply_page("acc", Page(tuple(item(n) for n in range(5)), None))
    model = InboxModel(cache)
    model.refresh()
    changed: list[tuple[int, int]] = []
    resets: list[None] = []
    model.dataChanged.connect(lambda top, bottom: changed.append((top.row(), bottom.row())))
    model.modelReset.connect(lambda: resets.append(None))

    cache.record_read("acc", "n2")
    model.refresh()

    assert resets == [] and changed == [(0, 4)]
    assert model.notification(2).is_read  # type: ignore[union-attr]


def test_a_first_sync_fills_an_empty_list_and_older_items_append(qtbot, cache: Cache) -> None:
    model = InboxModel(cache)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.refresh()
    assert model.rowCount() == 0
    cache.apply_page("acc", Page((item(10), item(11)), None))
    model.refresh()
    cache.apply_page("acc", Page((item(1), item(2)), None))  # catch-up reaching older history
    model.refresh()
    assert loaded_ids(model) == ["n11", "n10", "n2", "n1"]


def test_a_removal_resets_to_what_the_cache_holds(qtbot, cache: Cache) -> None:
    cache.apply_page("acc", Page(tuple(item(n) for n in range(5)), None))
    model = InboxModel(cache)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.refresh()
    cache.apply_page("acc", Page((), None, removed=("n3",)))
    model.refresh()
    assert loaded_ids(model) == ["n4", "n2", "n1", "n0"]
