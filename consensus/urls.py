from django.urls import path

from consensus import views

urlpatterns = [
    path("proposals/<int:pk>/rounds/", views.round_list, name="round_list"),
    path("proposals/<int:pk>/rounds/rules/", views.round_thresholds, name="round_thresholds"),
    path("proposals/<int:pk>/rounds/<int:number>/close/", views.round_close, name="round_close"),
    path("proposals/<int:pk>/rounds/<int:number>/remind/", views.round_remind, name="round_remind"),
    path("proposals/<int:pk>/rounds/<int:number>/again/", views.round_again, name="round_again"),
    path("proposals/<int:pk>/rounds/<int:number>/rate/", views.rating_form, name="rating_form"),
    path("proposals/<int:pk>/rounds/<int:number>/rate/all/", views.round_rate, name="round_rate"),
    path("proposals/<int:pk>/rounds/<int:number>/reasons/", views.round_reasons, name="round_reasons"),
    path("proposals/<int:pk>/rounds/<int:number>/apply/", views.round_apply, name="round_apply"),
    path("proposals/<int:pk>/rounds/<int:number>/results.<str:format>", views.round_report, name="round_report"),
]
