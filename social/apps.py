from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social"

    def ready(self) -> None:
        from social import counter_and_profile_sync  # noqa: F401  (connects its receivers)

    def seed_demo_data(self, *, stdout) -> None:
        from social.seed import seed_social

        seed_social(stdout=stdout)

    def seed_scale_data(self, *, seed) -> None:
        from social.scale import social_seed_scale

        social_seed_scale(seed=seed)
