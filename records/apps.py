from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Records"

    def seed_demo_data(self, *, stdout) -> None:
        from records.seed import seed_records

        seed_records(stdout=stdout)
