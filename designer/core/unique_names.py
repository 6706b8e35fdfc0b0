"""Fresh names that clash with none already taken: `orders`, `orders-2`, `orders-3`...

Ids, record and field names, slugs, component keys and generated identifiers are all
made unique the same way; the loop lives here once.
"""

from __future__ import annotations

from collections.abc import Container


def unique_name(base: str, *taken: Container[str], sep: str = "-") -> str:
    """`base` when no `taken` holds it, else the first free `base<sep>2`, `base<sep>3`..."""
    candidate, n = base, 1
    while any(candidate in names for names in taken):
        n += 1
        candidate = f"{base}{sep}{n}"
    return candidate


def numbered_name(prefix: str, taken: Container[str], start: int = 1) -> str:
    """The first `<prefix><n>` not in `taken`, counting from `start` (`f1`, `f2`...)."""
    n = start
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
