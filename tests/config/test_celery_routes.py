from config.celery_app import app


def route(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_tasks_are_routed_to_their_queue_by_kind():
    assert route("ranking.tasks.rerank") == "ranking"
    assert route("reviews.tasks.process_photo") == "media"
    assert route("accounts.tasks.notify_followers") == "notifications"
    assert route("brands.tasks.send_invitation_email") == "notifications"
    assert route("reviews.tasks.something_else") == "default"


def test_the_development_worker_consumes_every_queue():
    from pathlib import Path

    from django.conf import settings

    procfile = (Path(settings.BASE_DIR) / "Procfile.dev").read_text()
    worker = next(line for line in procfile.splitlines() if line.startswith("worker:"))
    queues = worker.split("--queues=")[1].split()[0].split(",")
    assert sorted(queues) == sorted(settings.CELERY_TASK_QUEUE_NAMES)
