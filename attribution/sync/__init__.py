"""The attribution sync: pull Amazon's PERFORMANCE reports for a store and make the stored
facts equal them, in one transaction (see service.py for the whole story).

windows.py  which days a sync pulls          lease.py     one sync per store at a time
runs.py     SyncRun bookkeeping              schedule.py  which stores are due; "Sync now"
pull.py     Amazon's pages, parsed           write.py     the pull written in bulk
service.py  one store's sync, start to finish
"""
