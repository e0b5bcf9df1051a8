from django.apps import AppConfig


class ConsensusConfig(AppConfig):
    """Whether the group agrees: rating rounds on the proposal's entries, and their results."""

    name = "consensus"
    verbose_name = "Consensus"

    def ready(self):
        from consensus import benchmark
        from consensus.rating import personalize
        from consensus.views import annotate_page
        from occupations import annotations, benchmarks

        annotations.register(annotate_page)
        annotations.register_personalizer(personalize)
        benchmarks.register("consensus", benchmark.section, benchmark.arguments)
