from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The Word round trip: export of the submission document and the review copy
    (import of reviewed files to come)."""

    name = "documents"
    verbose_name = "Word documents"

    def ready(self):
        from documents import benchmark, benchmark_upload
        from documents.views import annotate_page
        from occupations import annotations, benchmarks

        annotations.register(annotate_page)
        benchmarks.register("export", benchmark.section, benchmark.arguments)
        benchmarks.register("import", benchmark.import_section, benchmark.import_arguments)
        benchmarks.register("upload", benchmark_upload.section, benchmark_upload.arguments)
