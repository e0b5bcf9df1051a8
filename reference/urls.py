from django.urls import path

from reference import views

urlpatterns = [
    path("reference/soc/", views.soc_reference, name="soc_reference"),
    path("reference/soc/<str:code>/", views.soc_occupation, name="soc_occupation"),
]
