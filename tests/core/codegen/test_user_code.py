"""What a kept user file lacks of today's render, read with ast (user code never imported)."""

from __future__ import annotations

from designer.core.codegen.user_code import missing_methods, stale_python_file

FRESH = """
class OrdersHandlers(HandlerStubs):
    async def on_submit_order(self, message: SubmitOrder, context: MessageContext) -> None:
        pass

    async def on_order_shipped(self, message: OrderShipped, context: MessageContext) -> None:
        pass
"""


def test_a_method_in_any_class_of_the_users_file_counts() -> None:
    user = (
        "class Mixin:\n    async def on_order_shipped(self, m: object, c: object) -> None: ...\n"
        "class OrdersHandlers(Mixin, HandlerStubs):\n"
        "    async def on_submit_order(self, m: object, c: object) -> None: ...\n"
    )
    assert missing_methods(user, FRESH) == []
    assert stale_python_file("orders/handlers.py", user, FRESH) == ""


def test_an_old_file_on_the_abstract_base_is_told_what_to_inherit() -> None:
    user = (
        "class OrdersHandlers(Handlers):\n"
        "    async def on_submit_order(self, m: object, c: object) -> None: ...\n"
    )
    note = stale_python_file("orders/handlers.py", user, FRESH)
    assert note.startswith("stale handlers.py: missing on_order_shipped(OrderShipped)")
    assert "inherit HandlerStubs" in note


def test_a_file_that_no_longer_parses_is_said_so() -> None:
    note = stale_python_file("orders/handlers.py", "class Broken(:\n", FRESH)
    assert note.startswith("stale handlers.py: cannot be read (line 1")


def test_files_that_are_not_python_are_not_checked() -> None:
    assert stale_python_file(".gitignore", ".venv/\n*.pyc\n", "") == ""
    assert stale_python_file("requirements.txt", "asyncpg>=0.29\n", "") == ""
