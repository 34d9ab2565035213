"""The aggregated export: one query (query.py) that groups Amazon's facts, our clicks and the
commission owed per date, store and a dimension; a streaming CSV writer (csv.py); background
jobs for large ranges with an expiring download link (jobs.py). The browser views, the API and
`manage.py export_aggregated` all go through these."""
