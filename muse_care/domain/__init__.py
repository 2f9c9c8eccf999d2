"""The domain: cases, rights, statuses, regimes and the statutory clock.

Pure Python. Nothing here imports Qt, SQLAlchemy or any other package of ours.
"""
