"""Everything the demo loads, and nothing production needs.

- `camp`: a synthetic camp (edgecamp.synthetic) bulk-loaded into the registry and the sites:
  organisations, sites, blocks, shelters, households, people, their history; one transaction.
- `activity`: what a demo camp holds beyond the registry, through the apps' own services:
  staff accounts (one per role, only in the run that creates the camp), supply, a started
  distribution cycle, the duplicate review queue, a few protection records.

`edgecamp demo` (cli) calls both. This package sits in the top layer with `api`, `urls` and
`cli`: it may use every app, and no app imports it (nor `edgecamp.synthetic`).
"""
