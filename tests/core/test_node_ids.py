"""Changing a node's id: refusals, what follows, and what it renames on the broker."""

from __future__ import annotations

import pytest

from designer.core.commands import Command
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.history import History
from designer.core.io import canonical_dict, load
from designer.core.node_ids import ChangeNodeId, broker_changes, node_id_problem
from designer.resources import examples_dir


def _shop() -> Document:
    return Document(load(examples_dir() / "shop.msgflow.json"))


def test_refusals_name_the_reason():
    design = _shop().design
    assert "already the id of" in (node_id_problem(design, "orders", "loyalty") or "")
    assert "lower-case" in (node_id_problem(design, "orders", "Order Service") or "")
    assert "'order-service'" in (node_id_problem(design, "orders", "Order Service") or "")
    assert node_id_problem(design, "orders", "") == "an id cannot be empty"
    assert node_id_problem(design, "orders", "sales-orders") is None


def test_arrows_owned_messages_and_position_follow_and_undo_restores_all():
    document = _shop()
    history = History(document)
    before = canonical_dict(document.design)
    command: Command = ChangeNodeId("orders", "sales-orders")
    history.push(command)
    design = document.design
    assert design.node("orders") is None and design.node("sales-orders") is not None
    assert not [f for f in design.flows if "orders" in (f.source, f.target)]
    assert [m.id for m in design.messages if m.owner == "sales-orders"]
    assert "sales-orders" in design.layout.nodes and "orders" not in design.layout.nodes
    history.undo()
    assert canonical_dict(document.design) == before


def test_a_refused_id_changes_nothing():
    document = _shop()
    before = canonical_dict(document.design)
    with pytest.raises(EditError):
        History(document).push(ChangeNodeId("orders", "loyalty"))
    assert canonical_dict(document.design) == before


def test_broker_changes_list_the_queues_and_subjects_renamed():
    design = _shop().design
    changes = broker_changes(design, "customers", "crm")
    assert ("customers.get-customer", "crm.get-customer") in changes
    assert all("customers" in a.lower() and "crm" in b.lower() for a, b in changes)
    assert broker_changes(design, "customers", "customers") == []
