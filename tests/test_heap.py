from __future__ import annotations

import gc

from checker_console.heap import freeze_what_startup_made


def test_what_startup_made_is_left_out_of_later_full_collections() -> None:
    survivor = ["loaded at startup", object()]  # a list: the collector tracks it
    try:
        frozen = freeze_what_startup_made()
        made_later = ["made by a request", object()]

        assert frozen > 0 and gc.get_freeze_count() == frozen
        walked = gc.get_objects()  # what a full collection walks
        assert not any(obj is survivor for obj in walked)
        assert any(obj is made_later for obj in walked)  # collected as before
    finally:
        gc.unfreeze()
