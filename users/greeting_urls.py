from django.urls import path

from users import views

# No trailing slash, as the legacy clients call it.
urlpatterns = [path("<str:username>", views.GreetingView.as_view(), name="hello")]
