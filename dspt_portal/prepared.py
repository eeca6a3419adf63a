"""Hot lookups compiled to SQL once and run again with new parameters.

Peewee rebuilds the SQL text of a query every time it runs: for the wide joins of the per-keystroke
lookups (the signed-in user, the plan row with its plan, organisation and year) that was over half
of a live-validation request's CPU. A `Prepared` lookup builds its query once per database dialect
with placeholder numbers, keeps the SQL text, and then only binds the real values. The result is
the same model instances peewee would have made (joined models attached), so callers do not change.

Only the SQL text is kept in memory: no data, nothing that differs between workers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from peewee import Value

from .extensions import db

# Placeholders are recognised by value among the compiled query's parameters. No id in the portal
# is negative, so these cannot be confused with a real constant in a query.
_FIRST_MARK = -(2**52)
_MAX_ARGS = 16


def mark(index: int) -> int:
    """The placeholder for the index-th argument, where peewee compares it with a column."""
    return _FIRST_MARK - index


def param(index: int) -> Value:
    """The placeholder for the index-th argument as a value written to a column (UPDATE SET,
    INSERT): peewee does not convert it, so the caller passes the value ready for the database
    (text, number, date, None; `Field.db_value` for anything else, e.g. JSON)."""
    return Value(mark(index), converter=False)


@dataclass
class _Compiled:
    query: Any
    sql: str
    params: tuple  # constants, or _Arg for the values bound at each call
    # How the cursor wrapper maps columns to models: worked out from the first result, then reused
    # (the same SQL always returns the same columns).
    wrapper_state: dict | None = None


# Per-result attributes of a peewee cursor wrapper; everything else it works out is per query.
_PER_RESULT = frozenset({"cursor", "count", "index", "initialized", "populated", "row_cache"})


@dataclass(frozen=True)
class _Arg:
    index: int


def _slot(value):
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= _FIRST_MARK - value < _MAX_ARGS:
        return _Arg(_FIRST_MARK - value)
    return value


class Prepared:
    """A peewee query built by `build(variant)` with `mark(i)`/`param(i)` in place of argument i.

    `variant` selects between query shapes (e.g. by role) and must be hashable.
    """

    def __init__(self, build: Callable[[Hashable], Any]):
        self.build = build
        self._compiled: dict[tuple, _Compiled] = {}

    def _compile(self, variant) -> _Compiled:
        database = db.obj
        key = (type(database), variant)
        compiled = self._compiled.get(key)
        if compiled is None:
            query = self.build(variant)
            sql, params = query.sql()
            compiled = _Compiled(query, sql, tuple(_slot(p) for p in params))
            self._compiled[key] = compiled  # the same text whichever request gets here first
        return compiled

    def _run(self, variant, args):
        compiled = self._compile(variant)
        params = [args[p.index] if isinstance(p, _Arg) else p for p in compiled.params]
        return compiled, db.execute_sql(compiled.sql, params)

    def _models(self, variant, args):
        """The results as model instances (joined models attached), as peewee itself makes them."""
        compiled, cursor = self._run(variant, args)
        wrapper = compiled.query._get_cursor_wrapper(cursor)
        if compiled.wrapper_state is not None:
            wrapper.__dict__.update(compiled.wrapper_state)
            wrapper.initialized = True
        for result in wrapper.iterator():
            if compiled.wrapper_state is None:
                compiled.wrapper_state = {k: v for k, v in vars(wrapper).items() if k not in _PER_RESULT}
            yield result

    def first(self, variant: Hashable, *args):
        """The first model instance (with its joined models) or None."""
        return next(self._models(variant, args), None)

    def all(self, variant: Hashable, *args) -> list:
        return list(self._models(variant, args))

    def execute(self, variant: Hashable, *args) -> int:
        """Run an UPDATE, INSERT or DELETE; the number of rows it changed."""
        _, cursor = self._run(variant, args)
        return cursor.rowcount
