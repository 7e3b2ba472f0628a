"""What the API benchmarks share: options, the bench database, the servers, the load loops and the report.

`bench_api.py` and `bench_payments.py` are thin scripts over these modules; they add only their workloads.
"""
