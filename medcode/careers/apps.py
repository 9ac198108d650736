from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "medcode.careers"
    label = "careers"
    verbose_name = "Jobs for medical coders"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from medcode.careers.models import Application

        # An application deleted any way (by its applicant, with the account, with the job)
        # takes its résumé file with it.
        post_delete.connect(_delete_resume, sender=Application, dispatch_uid="careers-resume")


def _delete_resume(sender: object, instance: object, **kwargs: object) -> None:
    from medcode.careers import resumes

    resumes.delete(str(getattr(instance, "token", "")) or "missing")
