from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Users"

    def ready(self) -> None:
        from users import greeting_sync  # noqa: F401  (connects its receivers)

    def seed_demo_data(self, *, stdout) -> None:
        from users.seed import seed_users

        seed_users(stdout=stdout)

    def seed_scale_data(self, *, seed) -> None:
        from users.scale import users_seed_scale

        users_seed_scale(seed=seed)
