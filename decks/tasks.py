"""Background work of the decks app."""

from django.tasks import task


@task()
def import_job_run_task(job_id: int) -> None:
    """Import the file of one ImportJob; the job records success or failure itself."""
    from decks.services.imports import import_job_run

    import_job_run(job_id=job_id)


@task()
def import_job_preview_task(job_id: int) -> None:
    """Read the decks of one ImportJob's file and detect their languages, for its preview."""
    from decks.services.imports import import_job_preview

    import_job_preview(job_id=job_id)
