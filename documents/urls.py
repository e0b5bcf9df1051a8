from django.urls import path

from documents import views

urlpatterns = [
    path("proposals/<int:pk>/export/", views.export_page, name="export_page"),
    path("proposals/<int:pk>/export/word/", views.export_word, name="export_word"),
    path("proposals/<int:pk>/import/", views.import_page, name="import_page"),
    path("proposals/<int:pk>/import/apply-all/", views.import_apply_all, name="import_apply_all"),
    path("proposals/<int:pk>/import/<int:import_id>/", views.import_preview, name="import_preview"),
    path("proposals/<int:pk>/import/<int:import_id>/apply/", views.import_apply, name="import_apply"),
    path("proposals/<int:pk>/import/<int:import_id>/cancel/", views.import_cancel, name="import_cancel"),
]
