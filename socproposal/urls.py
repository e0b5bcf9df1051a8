from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("occupations.urls")),
    path("", include("comments.urls")),
    path("", include("consensus.urls")),
    path("", include("documents.urls")),
    path("", include("reference.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
