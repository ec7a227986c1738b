"""gunicorn settings for production: `gunicorn wsgi:app` reads this file from the working directory.

Threads rather than more processes: a request mostly waits on the database, and each process
holds one SQLAlchemy pool (DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW ≥ threads).
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Behind nginx, run one instance per core with WEB_CONCURRENCY=1, each on a port of its own, and
# list every port in nginx's upstream (README "Scale out"). gunicorn's processes share one
# listening socket and a keep-alive connection stays with the process that accepted it, so
# nginx's few kept-alive connections can all settle on one process of a multi-process instance,
# which then serves everything on one core while the others idle (bench/connection_split.py: the
# sign page at 1,300 req/s instead of 3,000). nginx balances each request over separate instances.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
# One gthread process per core with 8 threads, measured with bench/run.py on 2 cores (2026-12-05,
# signing on PostgreSQL, 32 signers): 2 x 8 signed 273/s and served the sign page at 3,708/s;
# 3 x 6 260/s and 3,245/s; 4 x 4 239/s and 2,817/s; sync, 6 processes, 253/s and 2,257/s.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# A worker killed or stuck is replaced; requests it held are lost before any commit, never after.
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 20000
max_requests_jitter = 2000
accesslog = os.environ.get("ACCESS_LOG")  # unset: no access log (it would hold addresses)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket is one fixed path per user: several instances on one machine would
# fight over it, and nothing here uses it.
control_socket_disable = True
