from django.urls import path

from documents import views

urlpatterns = [
    path("proposals/<int:pk>/export/", views.export_page, name="export_page"),
    path("proposals/<int:pk>/export/word/", views.export_word, name="export_word"),
]
