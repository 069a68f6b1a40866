"""Every rule of the OpenSearch API specification that Parallax's check
overrides, in one place, each with the reason.

An override patches the loaded YAML (never the files on disk) before the
schemas are compiled. Keep the list short: each entry is a place where we
trust our reading of OpenSearch's behaviour over the specification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Override:
    file: str  # relative to spec/
    pointer: str  # JSON pointer of the schema that is patched
    reason: str
    patch: Callable[[dict[str, Any]], None]

    def apply(self, document: dict[str, Any]) -> None:
        node: Any = document
        for part in self.pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        self.patch(node)


OVERRIDES: list[Override] = []


def _one_of_to_any_of(node: dict[str, Any]) -> None:
    node["anyOf"] = node.pop("oneOf")


OVERRIDES.append(
    Override(
        file="schemas/_common.yaml",
        pointer="/components/schemas/SortCombinations",
        reason=(
            "oneOf -> anyOf. The branches overlap: FieldWithOrder ({field: {order...}} via "
            "additionalProperties) and SortOptions (which declares _score/_geo_distance/_script but "
            "does not forbid other keys) both match every single-key object, so oneOf rejects every "
            'object sort, including the documented {"published": {"order": "desc"}} and '
            '{"_score": {"order": "desc"}}. The spec README names this looseness. anyOf keeps '
            "the type checks of each branch; FieldSort and SortOptions are added to the strict-keys "
            "pass (os_spec.STRICT_SCHEMAS) so a misspelt sort option still fails both branches."
        ),
        patch=_one_of_to_any_of,
    )
)


OVERRIDES.append(
    Override(
        file="namespaces/_core.yaml",
        pointer="/components/responses/delete_by_query@200/content/application~1json/schema",
        reason=(
            "oneOf -> anyOf. The second branch ({task: TaskId}, for wait_for_completion=false) "
            "requires nothing, so it matches every complete BulkByScrollResponseBase too and oneOf "
            "rejects the ordinary synchronous answer ({took, deleted, total, failures, ...}) that "
            "the backend reads `deleted` from."
        ),
        patch=_one_of_to_any_of,
    )
)

# Not a schema patch but a rule about which schema applies (os_spec.SpecValidator.validate_response):
ERROR_RESPONSES = (
    "An error status (4xx/5xx) answered with OpenSearch's error body ({error: {type, reason, "
    "root_cause}, status}) is accepted when it matches _common.yaml#/components/schemas/"
    "ErrorResponseBase, even where the operation documents only a success shape for that "
    "status (GET _doc 404 documents GetResult, the 'document missing' case) or no such status "
    "(_mget, _delete_by_query 404). A real node answers a missing index this way "
    "(index_not_found_exception), and the backend must handle it."
)
