"""The indexing stage: documents cut into chunks, embedded, stored in Chroma with a keyword index
beside it, and a manifest that makes re-ingesting incremental and atomic."""
