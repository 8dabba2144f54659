from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Records"

    def seed_demo_data(self, *, stdout) -> None:
        from records.seed import seed_records

        seed_records(stdout=stdout)

    def seed_scale_data(self, *, seed) -> None:
        from records.scale import records_seed_scale

        records_seed_scale(seed=seed)
