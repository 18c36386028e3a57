"""The staff API (`/api/staff/...`): auctions and bidders managed over HTTP with a bearer token.

`routes` holds the router, `schemas` the bodies, `errors` the one handler that maps the
catalog's refusals to statuses (and the error bodies the OpenAPI schema documents), `auth` the
token check, `config` its settings. `webhook.app` mounts the router and the handler.
"""
