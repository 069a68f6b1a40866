"""Validate OpenSearch requests and responses against the official API
specification in ../shared/opensearch-api-spec (OpenAPI 3.1 YAML).

Two passes, reported together:

1. the specification as written: the operation's request-body (or
   response) schema, checked with jsonschema, its cross-file `$ref`s
   resolved by `referencing` loading the YAML file each URI names;
2. a strict pass the specification leaves out: every key of a query
   container, aggregation container and bulk action line must be one the
   schema declares. Many spec objects allow unknown keys, so without this a
   misspelt `mach` query or `term` aggregation would pass. It is done with
   a custom keyword (`x-parallax-strict-keys`) injected into those schemas,
   so its errors carry the exact place in the body.

The few spec rules this check overrides live in `spec_overrides.py`, each
with its reason.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from spec_overrides import OVERRIDES

# libyaml when available: the spec is several megabytes of YAML.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SHARED = Path(os.environ.get("PARALLAX_SHARED") or Path(__file__).resolve().parents[3] / "shared")
SPEC_ROOT = SHARED / "opensearch-api-spec"
STRICT_KEYWORD = "x-parallax-strict-keys"
# Schemas whose objects must not carry keys the schema does not declare.
STRICT_SCHEMAS = {
    "schemas/_common.query_dsl.yaml": ["QueryContainer"],
    "schemas/_common.aggregations.yaml": ["AggregationContainer"],
    "schemas/_core.bulk.yaml": ["OperationContainer", "UpdateAction"],
    # Sort objects: with the SortCombinations override (anyOf) these keep a
    # misspelt sort option or a stray key from passing through either branch.
    "schemas/_common.yaml": ["FieldSort", "SortOptions"],
}
# Namespaces the backend (through opensearch-py) calls.
NAMESPACES = ("_core", "indices")


def _strict_keys(validator: Any, allowed: list[str], instance: Any, schema: dict) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        return
    unknown = sorted(set(instance) - set(allowed))
    if unknown:
        yield ValidationError(
            f"strict: key(s) {unknown} are not declared by the specification (declared: {', '.join(sorted(allowed))})"
        )


StrictValidator = validators.extend(Draft202012Validator, {STRICT_KEYWORD: _strict_keys})


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern
    file: str  # namespaces/_core.yaml
    spec: dict


def _file_uri(path: Path) -> str:
    return path.resolve().as_uri()


def _pointer_escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class SpecValidator:
    """Loads the specification once; validates bodies by operation."""

    def __init__(self, root: Path = SPEC_ROOT) -> None:
        self.root = root
        self.spec_dir = root / "spec"
        self._raw: dict[str, dict] = {}
        self._resources: dict[str, Resource] = {}
        self._memo: dict[tuple[str, str], list[str]] = {}
        self.registry: Registry = Registry(retrieve=self._retrieve)
        self.operations = self._load_operations()

    # ---- loading

    def raw(self, relative: str) -> dict:
        """A spec file as written (no overrides, no strict keywords)."""
        if relative not in self._raw:
            with open(self.spec_dir / relative, encoding="utf-8") as handle:
                self._raw[relative] = yaml.load(handle, Loader=_Loader)
        return self._raw[relative]

    def _relative(self, uri: str) -> str:
        path = Path(unquote(urlsplit(uri).path))
        return path.resolve().relative_to(self.spec_dir.resolve()).as_posix()

    def _retrieve(self, uri: str) -> Resource:
        # The registry is immutable, so jsonschema may ask again for a file
        # it already had: build each patched resource once.
        if uri not in self._resources:
            self._resources[uri] = self._build_resource(uri)
        return self._resources[uri]

    def _build_resource(self, uri: str) -> Resource:
        relative = self._relative(uri)
        contents = copy.deepcopy(self.raw(relative))
        for override in OVERRIDES:
            if override.file == relative:
                override.apply(contents)
        for name in STRICT_SCHEMAS.get(relative, []):
            contents["components"]["schemas"][name][STRICT_KEYWORD] = sorted(self.declared_keys(relative, name))
        return Resource.from_contents(contents, default_specification=DRAFT202012)

    def declared_keys(self, relative: str, name: str) -> set[str]:
        """Every property name a schema declares, through allOf/oneOf/anyOf
        and $refs (a container's keys are spread over its branches)."""
        return self._collect(relative, self.raw(relative)["components"]["schemas"][name], set())

    def _collect(self, relative: str, schema: Any, seen: set[tuple[str, str]]) -> set[str]:
        if not isinstance(schema, dict):
            return set()
        keys = set(schema.get("properties", {}))
        ref = schema.get("$ref")
        if ref:
            target_file, _, pointer = ref.partition("#")
            target = relative if not target_file else (Path(relative).parent / target_file).as_posix()
            target = os.path.normpath(target)
            if (target, pointer) not in seen:
                seen.add((target, pointer))
                node: Any = self.raw(target)
                for part in pointer.strip("/").split("/"):
                    node = node[part.replace("~1", "/").replace("~0", "~")]
                keys |= self._collect(target, node, seen)
        for combinator in ("allOf", "oneOf", "anyOf"):
            for branch in schema.get(combinator, []):
                keys |= self._collect(relative, branch, seen)
        return keys

    def _load_operations(self) -> list[Operation]:
        operations = []
        for namespace in NAMESPACES:
            relative = f"namespaces/{namespace}.yaml"
            for template, item in self.raw(relative).get("paths", {}).items():
                regex = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
                for method, spec in item.items():
                    if method in ("get", "put", "post", "delete", "head"):
                        operations.append(Operation(method.upper(), template, re.compile(regex), relative, spec))
        # Literal paths win over templated ones: /_search/scroll is not /{index}/_search.
        operations.sort(key=lambda op: (op.template.count("{"), -len(op.template)))
        return operations

    # ---- lookup

    def operation(self, method: str, path: str) -> Operation | None:
        for op in self.operations:
            if op.method == method.upper() and op.pattern.match(path):
                return op
        return None

    def _deref(self, relative: str, node: dict) -> tuple[str, str]:
        """(file, json pointer) of a node that may be a local $ref."""
        ref = node.get("$ref")
        if not ref:
            raise KeyError("inline definitions are not used by the operations we call")
        target_file, _, pointer = ref.partition("#")
        target = relative if not target_file else os.path.normpath((Path(relative).parent / target_file).as_posix())
        return target, pointer

    def _node(self, relative: str, pointer: str) -> Any:
        node: Any = self.raw(relative)
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _schema_ref(self, relative: str, pointer: str, content_type: str | None) -> str | None:
        node = self._node(relative, pointer)
        content = node.get("content") or {}
        if not content:
            return None
        media = content_type if content_type in content else next(iter(content))
        return f"{_file_uri(self.spec_dir / relative)}#{pointer}/content/{_pointer_escape(media)}/schema"

    # ---- validation

    def validate_schema(self, ref: str, instance: Any) -> list[str]:
        """Errors of `instance` against the schema at `ref` (a file URI with
        a JSON pointer), strict keys included; [] when valid."""
        # Identical bodies recur (the index creation body in every test, the
        # same searches): validating a mapping takes seconds, so remember.
        key = (ref, json.dumps(instance, sort_keys=True))
        if key not in self._memo:
            validator = _validator(self, ref)
            self._memo[key] = sorted({_describe(e) for e in _leaves(validator.iter_errors(instance))})
        return list(self._memo[key])

    def component(self, relative: str, name: str) -> str:
        return f"{_file_uri(self.spec_dir / relative)}#/components/schemas/{name}"

    def validate_params(self, op: Operation, params: Iterable[str]) -> list[str]:
        declared = set()
        for param in op.spec.get("parameters", []):
            if "$ref" in param:
                param = self._node(*self._deref(op.file, param))
            if param.get("in") == "query":
                declared.add(param["name"])
        # Parameters every operation accepts (spec/_global_parameters.yaml).
        declared |= {p["name"] for p in self.raw("_global_parameters.yaml")["components"]["parameters"].values()}
        return [
            f"query parameter {name!r} is not declared for {op.method} {op.template}"
            for name in params
            if name not in declared
        ]

    def validate_request(
        self, method: str, path: str, body: Any = None, params: Iterable[str] = (), content_type: str | None = None
    ) -> list[str]:
        """Violations of one request; bulk bodies are a list of parsed lines."""
        op = self.operation(method, path)
        if op is None:
            return [f"{method} {path}: no such operation in the specification"]
        problems = self.validate_params(op, params)
        request_body = op.spec.get("requestBody")
        if body is None:
            if request_body and request_body.get("required"):
                problems.append(f"{method} {op.template}: a body is required")
            return problems
        if not request_body:
            return problems + [f"{method} {op.template}: takes no body"]
        relative, pointer = self._deref(op.file, request_body)
        ref = self._schema_ref(relative, pointer, content_type)
        problems += [f"{method} {op.template}: {e}" for e in self.validate_schema(ref, body)]
        if op.template.endswith("/_bulk"):
            problems += [f"{method} {op.template}: {e}" for e in self.validate_bulk_lines(body)]
        return problems

    def validate_bulk_lines(self, lines: list[Any]) -> list[str]:
        """The spec's bulk schema accepts any object as a line, so pair the
        lines up: each action strictly against OperationContainer, each
        update payload against UpdateAction. (Documents are checked against
        the index mapping by the caller, which knows the index.)"""
        problems: list[str] = []
        action_ref = self.component("schemas/_core.bulk.yaml", "OperationContainer")
        update_ref = self.component("schemas/_core.bulk.yaml", "UpdateAction")
        i = 0
        while i < len(lines):
            action = lines[i]
            problems += [f"line {i + 1}: {e}" for e in self.validate_schema(action_ref, action)]
            op = next(iter(action), None) if isinstance(action, dict) else None
            if op in ("index", "create", "update"):
                if i + 1 >= len(lines):
                    problems.append(f"line {i + 1}: {op} action without its document line")
                elif op == "update":
                    problems += [f"line {i + 2}: {e}" for e in self.validate_schema(update_ref, lines[i + 1])]
                i += 2
            else:
                i += 1
        return problems

    def validate_response(self, method: str, path: str, status: int, body: Any) -> list[str]:
        op = self.operation(method, path)
        if op is None or body is None:
            return []
        # See spec_overrides.ERROR_RESPONSES for why an error body is accepted.
        error_ok = status >= 400 and not self.validate_schema(
            self.component("schemas/_common.yaml", "ErrorResponseBase"), body
        )
        response = op.spec.get("responses", {}).get(str(status))
        if response is None:
            return [] if error_ok else [f"{method} {op.template}: status {status} is not a documented response"]
        relative, pointer = self._deref(op.file, response)
        ref = self._schema_ref(relative, pointer, "application/json")
        if ref is None:
            return []
        problems = self.validate_schema(ref, body)
        if problems and error_ok:
            return []
        return [f"{method} {op.template} -> {status}: {e}" for e in problems]


@lru_cache(maxsize=256)
def _validator_cached(spec_id: int, ref: str) -> Any:
    spec = _SPECS[spec_id]
    return StrictValidator({"$ref": ref}, registry=spec.registry)


_SPECS: dict[int, SpecValidator] = {}


def _validator(spec: SpecValidator, ref: str) -> Any:
    _SPECS[id(spec)] = spec
    return _validator_cached(id(spec), ref)


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """Report the specific failures: strict-key errors buried in the
    context of a oneOf/anyOf are surfaced, plus each top-level error."""
    for error in errors:
        strict = list(_strict_in(error))
        if strict:
            yield from strict
        else:
            yield error


def _strict_in(error: ValidationError) -> Iterator[ValidationError]:
    if error.validator == STRICT_KEYWORD:
        yield error
    for sub in error.context or []:
        yield from _strict_in(sub)


def _describe(error: ValidationError) -> str:
    where = "/" + "/".join(str(p) for p in error.absolute_path)
    message = error.message if len(error.message) < 400 else error.message[:400] + "..."
    return f"at {where}: {message}"


@lru_cache(maxsize=1)
def shared_spec() -> SpecValidator:
    """One loaded specification per test session."""
    return SpecValidator()


# ------------------------------------------------------- mapping check

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_document(doc: Any, properties: dict[str, Any], dynamic: str = "strict", where: str = "") -> list[str]:
    """What OpenSearch would reject in a document under `dynamic: strict`
    mappings: undeclared fields and values of the wrong type."""
    if not isinstance(doc, dict):
        return [f"{where or '/'}: expected an object"]
    problems: list[str] = []
    for key, value in doc.items():
        path = f"{where}/{key}"
        field = properties.get(key)
        if field is None:
            if dynamic == "strict":
                problems.append(f"{path}: field not in the mapping (dynamic: strict)")
            continue
        problems += _check_value(value, field, path)
    return problems


def _check_value(value: Any, field: dict[str, Any], path: str) -> list[str]:
    kind = field.get("type", "object" if "properties" in field else None)
    if value is None or kind == "object" and field.get("enabled") is False:
        return []
    if kind == "nested" or kind == "object":
        items = value if isinstance(value, list) else [value]
        return [
            p
            for n, item in enumerate(items)
            for p in check_document(item, field.get("properties", {}), "strict", f"{path}[{n}]")
        ]
    items = value if isinstance(value, list) else [value]
    problems = []
    for item in items:
        if item is None:
            continue
        if kind in ("keyword", "text") and not isinstance(item, str):
            problems.append(f"{path}: {kind} expects a string, got {item!r}")
        elif kind == "boolean" and not isinstance(item, bool):
            problems.append(f"{path}: boolean expects true/false, got {item!r}")
        elif kind in ("integer", "long") and (isinstance(item, bool) or not isinstance(item, int)):
            problems.append(f"{path}: {kind} expects a whole number, got {item!r}")
        elif kind in ("float", "double") and (isinstance(item, bool) or not isinstance(item, (int, float))):
            problems.append(f"{path}: {kind} expects a number, got {item!r}")
        elif (
            kind == "date"
            and field.get("format") == "strict_date"
            and not (isinstance(item, str) and _DATE.match(item))
        ):
            problems.append(f"{path}: strict_date expects YYYY-MM-DD, got {item!r}")
    return problems


def require_shared(path: Path) -> None:
    """Shared material is missing: fail loudly in CI, skip on a laptop."""
    if path.exists():
        return
    message = f"{path} is missing: the OpenSearch checks need ../shared beside the checkout"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
