"""Background jobs: long work (the registry-wide dedupe, a large cycle's ration cards) run by a
worker process (`edgecamp worker`) while the page that started it answers at once.

Built on Django's tasks framework (`django.tasks`) with the database-backed backend of
`django-tasks-db`: one task, `edgecamp.jobs.tasks.run_job`, runs every kind of job. What a user
sees is the `Job` record beside it: its kind, who started it, the sites it concerns, its state
(queued, running, succeeded, failed), its progress (done of total, with a message), the error of
a failed job in plain words and the file it made.

The public surface:

- `kinds.register_kind(JobKind(name, label, run))`: a higher app declares a kind of job in its
  `AppConfig.ready()` (this app imports none of them). `run(job_run)` does the work; it reports
  progress with `job_run.progress(done, total, message)`, saves a file with
  `job_run.save_result(name, content, content_type)`, and returns the summary shown when it
  succeeds; it raises `JobFailed("…")` to fail with a message for the user.
- `services.start_job(kind, user=…, scope=…, params=…, site_ids=…, exclusive_key=…)`: queues a
  job; a second job with the same `exclusive_key` while one is queued or running is refused
  (`JobAlreadyRunning`, enforced by the database).
- `queries.visible_jobs(user, scope)`: a user's own jobs; managers and administrators see every
  job within their sites.
- `worker.JobWorker`: the database worker plus a heartbeat; a job whose worker stopped beating
  for `EDGECAMP_JOB_LEASE_SECONDS` (a worker killed mid-job) is marked failed
  (`services.fail_stalled_jobs`), never left running.
"""
