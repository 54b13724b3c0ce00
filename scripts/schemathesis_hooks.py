"""Schemathesis hooks for the mock's contract run (scripts/schemathesis.sh).

Kombo's bulk import takes application/x-ndjson (one JSON document a line),
which Schemathesis does not serialize itself: each generated item becomes a
line.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()
