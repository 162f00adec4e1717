"""The retrieval stage: hybrid search over the index, dense and keyword rankings fused."""
