"""Union-find (disjoint sets) over any hashable items."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets with path halving; items are added on first use.
    `union` keeps the first argument's root, so callers control which
    representative survives."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.parent: dict[T, T] = {x: x for x in items}

    def find(self, x: T) -> T:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> T:
        """Join the sets of a and b; returns the surviving root (a's)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra

    def groups(self) -> dict[T, list[T]]:
        """root -> members, members in insertion order."""
        out: dict[T, list[T]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return out
