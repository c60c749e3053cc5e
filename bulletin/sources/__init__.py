"""Reading what writers wrote: the repository, text files, YAML and its
schemas, the Markdown reader, loading, and assembly into the model.

textfile → config/schemas → repo → markdown/reader → load → assemble
(sources → `bulletin.model.Bulletin`).  Nothing here writes outputs or
imports fonts or writers.
"""
