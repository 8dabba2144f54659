from django.urls import path

from users import views

urlpatterns = [
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("birthdays/today/", views.BirthdaysTodayView.as_view(), name="birthdays-today"),
]
