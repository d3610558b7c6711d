"""OWSLib and openapi-spec-validator against a running `stadtatlas serve`.

Usage: python owslib_features.py BASE_URL
Prints one JSON object: the collections, conformance classes, the ids of
every entity (paged with limit/offset to the end, as OWSLib's users do),
the ids inside a bbox, and whether /api validates as OpenAPI 3.0.
"""

import json
import sys
import urllib.request

from openapi_spec_validator import validate
from owslib.ogcapi.features import Features


def main(base):
    with urllib.request.urlopen(base + "/api") as answer:
        validate(json.load(answer))
    service = Features(base)
    collections = [c["id"] for c in service.collections()["collections"]]
    conformance = service.conformance()["conformsTo"]
    ids, offset, pages = [], 0, 0
    while True:
        page = service.collection_items("entities", limit=9, offset=offset)
        ids += [f["id"] for f in page["features"]]
        pages += 1
        if not any(link["rel"] == "next" for link in page["links"]):
            break
        offset += page["numberReturned"]
    boxed = service.collection_items(
        "entities", bbox=[11.90, 51.46, 11.95, 51.49], limit=1000
    )
    print(json.dumps({
        "api_valid": True,
        "collections": collections,
        "conformance": conformance,
        "ids": ids,
        "pages": pages,
        "matched": page["numberMatched"],
        "bbox_ids": [f["id"] for f in boxed["features"]],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
