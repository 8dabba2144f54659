from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo data of every app (idempotent): each app whose AppConfig "
        "defines seed_demo_data(stdout=...) is seeded, in INSTALLED_APPS order."
    )

    def handle(self, *args, **options) -> None:
        for app_config in apps.get_app_configs():
            seed = getattr(app_config, "seed_demo_data", None)
            if seed is not None:
                self.stdout.write(f"seeding {app_config.label}...")
                seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("seed: done"))
