"""Changing a loaded design in a test the way the designer does: by swapping items.

Design items are frozen values; `edit` replaces one with a copy carrying the update (the
Document's own `replace`), so a test never depends on an item changing under a holder.
"""

from __future__ import annotations

from typing import Any

from designer.core.document import Collection, Document, Item
from designer.core.model import Design, Flow, Node


def edit(design: Design, collection: Collection, key: str, **update: Any) -> Any:
    """Replace item `key` (an id; a record's name) of `collection` by a copy with `update`;
    returns the new item."""
    document = Document(design)
    old = document.get(collection, key)
    assert old is not None, f"no {collection} item {key!r} in the design"
    new: Item = old.model_copy(update=update)
    document.replace(collection, new)
    return new


def with_audit(shop: Design) -> Design:
    """A copy of the shop example grown by one service: Audit Service, subscribed to
    OrderCreated (flow f9), as a design gains a service between two generations."""
    design = shop.model_copy(deep=True)
    design.nodes.append(Node.model_validate({"id": "audit", "name": "Audit Service"}))
    design.flows.append(
        Flow.model_validate(
            {
                "id": "f9",
                "message": "order-created",
                "from": "orders",
                "to": "audit",
                "transport": "topic",
                "caused_by": "submit-order",
            }
        )
    )
    return design
