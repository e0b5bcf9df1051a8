from django.urls import path

from occupations import views

urlpatterns = [
    path("", views.home, name="home"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
]
