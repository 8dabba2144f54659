from rest_framework.routers import SimpleRouter

from orders import views

router = SimpleRouter(use_regex_path=False)
router.register("pizzas", views.PizzaViewSet, basename="pizza")
router.register("orders", views.OrderViewSet, basename="order")

urlpatterns = router.urls
