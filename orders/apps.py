from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from orders.menu_cache import connect_signals

        connect_signals()

    def seed_demo_data(self, *, stdout) -> None:
        from orders.seed import seed_menu, seed_orders

        seed_menu(stdout=stdout)
        seed_orders(stdout=stdout)

    def seed_scale_data(self, *, seed) -> None:
        from orders.scale import orders_seed_scale

        orders_seed_scale(seed=seed)
