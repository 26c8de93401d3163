"""A server-wide cache bounded by bytes, not only by entries.

The app's map frames and chart specs are the same for every viewer of the same
data, filters and view, so they are made once and shared. A count bound alone
(st.cache_resource's max_entries) would let a few large data sets hold gigabytes;
this cache drops its least recently used entries once their total size passes its
budget, and never keeps an entry bigger than a quarter of it.

A few entries may be pinned instead (`pin=True`): the served data's unfiltered
view and map, which every first page shows and which are too large for the
budget (100,000 events: twelve seconds to make, on every return to "no filter").
Pinned entries are bounded by count (`pin_max`), never by the budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

#: What an entry costs at least, whatever its value's size says (its key, its
#: place in the table): the budget then bounds the number of entries too, so
#: values that weigh nothing (a filter that shows no event) cannot pile up.
ENTRY_MIN_BYTES = 4096


class ByteLRU(Generic[V]):
    """Least recently used entries go first once `budget` bytes are held."""

    def __init__(
        self,
        budget: int,
        size_of: Callable[[V], int],
        entry_min: int = ENTRY_MIN_BYTES,
        pin_max: int = 4,
    ) -> None:
        self.budget = budget
        self.pin_max = pin_max
        self._pinned: OrderedDict[Hashable, V] = OrderedDict()
        self.entry_min = entry_min
        self._size_of = size_of
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    @property
    def held(self) -> int:
        return self._held

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries or key in self._pinned

    @property
    def pinned(self) -> int:
        return len(self._pinned)

    def _found(self, key: Hashable) -> tuple[V] | None:
        """The value for `key` (as a 1-tuple), marked as just used; under the lock."""
        if key in self._pinned:
            self._pinned.move_to_end(key)
            return (self._pinned[key],)
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return (found[0],)

    def get_or_make(self, key: Hashable, make: Callable[[], V], *, pin: bool = False) -> V:
        """The cached value for `key`, else `make()` (kept if it fits, or pinned).

        Sessions asking for the same missing key at once wait for the first one's
        `make` instead of each making it (twenty viewers choosing the same filter).
        """
        with self._lock:
            found = self._found(key)
            if found is not None:
                self.hits += 1
                return found[0]
            self.misses += 1
            maker = self._making.setdefault(key, threading.Lock())
        with maker:  # one maker per key; the others wait here, then find its value
            with self._lock:
                found = self._found(key)
                if found is not None:
                    return found[0]
            try:
                value = make()
                if pin:
                    self._pin(key, value)
                else:
                    self._keep(key, value)
            finally:
                with self._lock:
                    if self._making.get(key) is maker:
                        del self._making[key]
        return value

    def _keep(self, key: Hashable, value: V) -> None:
        size = max(self._size_of(value), self.entry_min)
        if size > self.budget // 4:
            return
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, size)
                self._held += size
            while self._held > self.budget and self._entries:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._held -= dropped

    def _pin(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._pinned[key] = value
            while len(self._pinned) > self.pin_max:
                self._pinned.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pinned.clear()
            self._entries.clear()
            self._held = 0
