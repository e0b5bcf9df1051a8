from django.urls import path

from accounts import views

urlpatterns = [
    # Before django.contrib.auth.urls, whose password_reset this replaces with a throttled one.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
