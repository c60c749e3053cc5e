"""What each command does, as functions that return results and never print:
build (one issue or a batch, incremental), check/lint/fix, list, scaffold
(init/new), and the commands added with them.  bulletin/cli/ turns their
results into terminal output and exit codes.
"""
