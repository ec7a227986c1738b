"""gunicorn settings for production: `gunicorn wsgi:app` reads this file from the working directory.

Threads rather than more processes: a request mostly waits on the database, and each process
holds one SQLAlchemy pool (DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW ≥ threads).
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Behind nginx, run one single-process instance per core, each on a port of its own
# (deploy/systemd/campaign@.service), and list every port in nginx's upstream (README "Scale
# out"). gunicorn's processes share one listening socket and a keep-alive connection stays with
# the process that accepted it, so nginx's few kept-alive connections can all settle on one
# process of a multi-process instance, which then serves everything on one core while the others
# idle (bench/connection_split.py: the sign page at 1,300 req/s instead of 3,000). nginx balances
# each request over separate instances.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
# One gthread process per core, measured with bench/run.py on 2 cores (2026-12-05, signing on
# PostgreSQL, 32 signers): 2 x 8 signed 273/s and served the sign page at 3,708/s; 3 x 6 260/s and
# 3,245/s; 4 x 4 239/s and 2,817/s; sync, 6 processes, 253/s and 2,257/s. Then 4 threads against
# 8, two processes, wrk's connections split evenly (bench/README.md): the same signatures/s
# (340/325 against 337/323) and sign page req/s (4,132/4,114 against 4,066/4,187), with a lower
# p99, 94-102 ms against 114-120 ms signing and 28 ms against 57-61 ms for the page. Every
# thread past those the CPU can keep busy only queues in the GIL.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A worker killed or stuck is replaced; requests it held are lost before any commit, never after.
timeout = 30
graceful_timeout = 20
keepalive = 5
# No process is replaced after a number of requests. A new one takes 1.2 s of CPU to start and
# begins with cold caches: at 20,000 requests, a process serving the sign page to a crowd (3,000
# req/s) was replaced every 7 s, and the p99 of bench/run.py rose from 55 ms to 1 s. An instance
# of one process (behind nginx) would also stop for those 1.2 s, and a POST nginx sent on a
# kept-alive connection as it closed would be a 502. Nothing in the app grows without bound: its
# caches are keyed by campaign, language or status, or have a maximum size. Should a leak ever
# show, GUNICORN_CMD_ARGS="--max-requests N --max-requests-jitter M" brings the replacement back.
max_requests = 0
accesslog = os.environ.get("ACCESS_LOG")  # unset: no access log (it would hold addresses)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket is one fixed path per user: several instances on one machine would
# fight over it, and nothing here uses it.
control_socket_disable = True
