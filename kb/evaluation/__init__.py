"""The evaluation stage: question sets, metrics, runs beside the llama-index baseline, reports and
benchmarks."""
