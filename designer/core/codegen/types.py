"""Design field types as Python annotations, and type-correct default values.

`uuid` -> `UUID`, `decimal` -> `Decimal`, `list[T]` -> `list[T]`, `map[string,T]` ->
`dict[str, T]`, a record name -> its class, `A | B` -> `A | B` (or the name of the type
alias the contracts module declares for it, which carries a discriminator), a field with
an `enum` -> the alias of its `Literal[...]` (a number field's: `Annotated[float, ...]`
with a check, as `Literal` holds no float). Defaults are what a handler's generated body
fills in when the input has no field of the same name and type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from designer.core.model import ENUM_VALUE_TYPES, EnumValue, parse_field_type, union_members

from . import pyformat

# (Python ident, design type, required, enum values) of each field of a record.
RecordField = tuple[str, str, bool, tuple[EnumValue, ...]]

_PRIMITIVES: dict[str, str] = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "decimal": "Decimal",
    "boolean": "bool",
    "datetime": "datetime",
    "date": "date",
    "uuid": "UUID",
    "bytes": "bytes",
}

_DEFAULTS: dict[str, str] = {
    "string": '""',
    "integer": "0",
    "number": "0.0",
    "decimal": 'Decimal("0")',
    "boolean": "False",
    "datetime": "datetime.now(UTC)",
    "date": "date.today()",
    "uuid": "uuid4()",
    "bytes": 'b""',
}

# Names each default needs imported, as (module, name).
_DEFAULT_IMPORTS: dict[str, tuple[str, ...]] = {
    "decimal": ("decimal:Decimal",),
    "datetime": ("datetime:UTC", "datetime:datetime"),
    "date": ("datetime:date",),
    "uuid": ("uuid:uuid4",),
}

# Modules each annotation needs imported.
_ANNOTATION_IMPORTS: dict[str, str] = {
    "decimal": "decimal:Decimal",
    "datetime": "datetime:datetime",
    "date": "datetime:date",
    "uuid": "uuid:UUID",
}


@dataclass
class TypeMapper:
    """Maps design types to Python, given the record classes of the design."""

    record_classes: Mapping[str, str]  # record name -> class name
    record_fields: Mapping[str, list[RecordField]] = field(default_factory=dict)

    def annotation(self, type_text: str, alias: str | None = None) -> str:
        """The annotation of `type_text`; `alias` names its union (or its enum's Literal)."""
        constructor, inner = parse_field_type(type_text)
        if constructor == "union":
            if alias:
                return alias
            return " | ".join(self.annotation(m) for m in union_members(type_text))
        if constructor == "list" and inner is not None:
            return f"list[{self.annotation(inner, alias)}]"
        if constructor == "map" and inner is not None:
            return f"dict[str, {self.annotation(inner, alias)}]"
        if constructor in ENUM_VALUE_TYPES and alias:  # the alias of its enum's Literal
            return alias
        if constructor in _PRIMITIVES:
            return _PRIMITIVES[constructor]
        return self.record_classes.get(constructor, "Any")

    def annotation_imports(self, type_text: str) -> set[str]:
        constructor, inner = parse_field_type(type_text)
        if constructor == "union":
            return {i for m in union_members(type_text) for i in self.annotation_imports(m)}
        if inner is not None:
            return self.annotation_imports(inner)
        if constructor in _ANNOTATION_IMPORTS:
            return {_ANNOTATION_IMPORTS[constructor]}
        if constructor not in _PRIMITIVES and constructor not in self.record_classes:
            return {"typing:Any"}
        return set()

    def default(
        self,
        type_text: str,
        imports: set[str],
        depth: int = 0,
        enum: tuple[EnumValue, ...] = (),
    ) -> pyformat.Expr:
        """A Python expression of `type_text`, recording the names it needs in `imports`.

        A union's default is its first alternative's; a field with an `enum` takes its
        first value (a discriminated record so says which alternative it is)."""
        constructor, inner = parse_field_type(type_text)
        if enum:
            return pyformat.literal(enum[0])
        if constructor == "union":
            return self.default(union_members(type_text)[0], imports, depth)
        if constructor == "list" and inner is not None:
            return "[]"
        if constructor == "map" and inner is not None:
            return "{}"
        if constructor in _DEFAULTS:
            imports.update(_DEFAULT_IMPORTS.get(constructor, ()))
            return _DEFAULTS[constructor]
        class_name = self.record_classes.get(constructor)
        if class_name is None or depth > 4:
            # An unknown type (the design has an error) or a record that contains itself:
            # there is no honest default, so the generated code says so at run time.
            imports.add("typing:Any")
            imports.add("typing:cast")
            return "cast(Any, None)"
        imports.add(f"contracts:{class_name}")
        # A call, not text: a long one is laid out over lines as ruff would.
        return pyformat.Call(
            class_name,
            tuple(
                (ident, self.default(kind, imports, depth + 1, values))
                for ident, kind, required, values in self.record_fields.get(constructor, [])
                if required
            ),
        )
