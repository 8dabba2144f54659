"""gunicorn settings; every value can be overridden with GUNICORN_* variables."""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Sync workers, one request at a time each, behind the load balancer (deploy/nginx.conf
# buffers slow clients): measured on 2 cores, 2 sync workers served /hello 19% faster
# than 2 workers x 2 threads, with half the p99 (issue 10): the requests are short and
# CPU-bound (the GIL lets one thread of a worker run at a time), so threads add
# switching, not throughput. `make bench` compares again with THREADS=2 or WORKER_CLASS.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# The application logs one line per request itself (config/request_logging.py).
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
# Restart a worker after this many requests (0: never); /metrics survives restarts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))


# Prometheus multiprocess mode: each worker writes its metrics to files in
# PROMETHEUS_MULTIPROC_DIR and /metrics adds up every worker, past and present. The
# variable must be set before a worker imports prometheus_client, so this file
# imports it only inside the hooks.
_created_metrics_directory = None


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        # Counts left by a previous run of the server would be added to this one's.
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))
    else:
        global _created_metrics_directory
        _created_metrics_directory = tempfile.mkdtemp(prefix="prometheus-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _created_metrics_directory


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _created_metrics_directory:
        shutil.rmtree(_created_metrics_directory, ignore_errors=True)
