"""A static scan for SQL built from strings in Python code.

Two nets:

1. every call of `.execute(...)`, `.executemany(...)`, `.copy(...)` and `sql.SQL(...)`:
   its query argument is followed back through the function's assignments (`q = f"..."`,
   `q += "..."`) to the string constructions it comes from;
2. every f-string, `str.format`, `%` or `+` construction whose text starts like an SQL
   statement (`select`, `insert`, `copy`, `create view`, `with ...`), wherever it is (SQL
   built in a helper and returned).

What is reported: each expression interpolated into such SQL (its source text), or the
query expression itself when it is not a string literal (a parameter, a function's
result). Constant strings, `%s` placeholders with bound parameters, and `psycopg.sql`
compositions (`sql.SQL(...).format(sql.Identifier(...))`) are safe and not reported.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

SINKS = frozenset({"execute", "executemany", "copy"})
STATEMENT = re.compile(
    r"^[\s(]*(select|insert|update|delete|copy|create|drop|alter|with|truncate|grant|revoke)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    expr: str  # source text of what reaches the SQL
    how: str  # sink | statement

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.expr!r} ({self.how})"


def _parts(node: ast.AST) -> list[ast.AST] | None:
    """Interpolated expressions of a string construction; None if `node` is not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return []
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and _parts(node.func.value) is not None
    ):
        return [*_parts(node.func.value), *node.args, *(k.value for k in node.keywords)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        left = _parts(node.left)
        if left is not None:
            right = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            return [*left, *right]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _parts(node.left), _parts(node.right)
        if left is not None or right is not None:
            return [
                *(left if left is not None else [node.left]),
                *(right if right is not None else [node.right]),
            ]
    return None


def _text(node: ast.AST) -> str:
    """The literal text of a string construction (interpolations left out)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _text(node.func.value)
    if isinstance(node, ast.BinOp):
        return _text(node.left) + _text(node.right)
    return ""


def _is_sql_compose(node: ast.AST) -> bool:
    """`sql.SQL(...)`, `sql.Identifier(...)`, `sql.Literal(...)`, `sql.Composed(...)` and
    their `.format(...)` / `.join(...)`: psycopg quotes what goes in."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in ("format", "join") and _is_sql_compose(node.func.value):
            return True
        value = node.func.value
        return (
            isinstance(value, ast.Name)
            and value.id == "sql"
            and node.func.attr in ("SQL", "Identifier", "Literal", "Composed", "Placeholder")
        )
    return False


class _Scope(ast.NodeVisitor):
    def __init__(self, path: str, findings: list[Finding]):
        self.path = path
        self.findings = findings

    def scan(self, body: list[ast.stmt]) -> None:
        assigns: dict[str, list[ast.AST]] = {}
        nested = []
        for node in _walk_scope(body):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                nested.append(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigns.setdefault(target.id, []).append(node.value)
            elif (
                isinstance(node, ast.AnnAssign | ast.AugAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
            ):
                assigns.setdefault(node.target.id, []).append(node.value)
        for node in _walk_scope(body):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                is_sink = isinstance(func, ast.Attribute) and func.attr in SINKS
                is_sql = (
                    isinstance(func, ast.Attribute)
                    and func.attr == "SQL"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "sql"
                )
                if is_sink or is_sql:
                    self._follow(node.args[0], assigns, set(), node.lineno)
            parts = _parts(node) if isinstance(node, ast.expr) else None
            if parts and STATEMENT.match(_text(node)):
                for part in parts:
                    self._follow(part, assigns, set(), node.lineno, "statement")
        for fn in nested:
            if isinstance(fn, ast.Lambda):
                self.scan([ast.Expr(fn.body)])
            else:
                self.scan(fn.body)

    def _follow(self, node: ast.AST, assigns, seen: set[str], line: int, how: str = "sink"):
        """Report where the SQL text of `node` comes from: follows string constructions and
        the local names they are assigned from; reports anything else."""
        if _is_sql_compose(node):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "format"
            ):
                self._follow(node.func.value, assigns, seen, line, how)
            elif isinstance(node, ast.Call) and node.args and node.func.attr == "SQL":
                self._follow(node.args[0], assigns, seen, line, how)
            return
        parts = _parts(node)
        if parts is not None:
            for part in parts:
                self._follow(part, assigns, seen, getattr(node, "lineno", line), how)
            return
        if isinstance(node, ast.Name) and node.id in assigns and node.id not in seen:
            for value in assigns[node.id]:
                self._follow(value, assigns, seen | {node.id}, line, how)
            return
        self._report(node, getattr(node, "lineno", line), how)

    def _report(self, node: ast.AST, line: int, how: str) -> None:
        if _parts(node) == []:  # a constant string
            return
        self.findings.append(Finding(self.path, line, ast.unparse(node), how))


def _walk_scope(body: list[ast.stmt]):
    """Nodes of a scope, not descending into nested functions (yielded, not entered)."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def scan_source(source: str, path: str = "<string>") -> list[Finding]:
    findings: list[Finding] = []
    tree = ast.parse(source)
    _Scope(path, findings).scan(tree.body)
    unique = {(f.path, f.line, f.expr): f for f in findings}  # both nets may see one thing
    return sorted(unique.values(), key=lambda f: (f.path, f.line, f.expr))


def scan_tree(root: Path, packages: tuple[str, ...] = ("ingest", "dev/kumkm_dev")) -> list[Finding]:
    """Findings in every module of the runtime package and of the development tools."""
    out: list[Finding] = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            out += scan_source(path.read_text(), path.relative_to(root).as_posix())
    return out
