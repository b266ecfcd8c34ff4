"""`moderate serve`: Coral Talk's external moderation phase.

`service.py` (request -> decision, no HTTP), `app.py` (Starlette routes, uvicorn), `policy.py`
(TOML rules -> Coral answers), `signature.py` (X-Coral-Signature), `articles.py` (story URL ->
article text), `scorer.py` (one comment in ~1 ms). The decision log is `moderation.decision_log`.
"""
