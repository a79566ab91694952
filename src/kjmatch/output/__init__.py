"""Output: results → documents (the JSON contract) → formats (json, jsonl, csv, markdown)
or views (rich pictures for a terminal). Only `views` and `console` import rich."""
