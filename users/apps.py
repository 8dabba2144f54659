from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Users"

    def seed_demo_data(self, *, stdout) -> None:
        from users.seed import seed_users

        seed_users(stdout=stdout)
