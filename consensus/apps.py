from django.apps import AppConfig


class ConsensusConfig(AppConfig):
    """Whether the group agrees: rating rounds on the proposal's entries, and their results."""

    name = "consensus"
    verbose_name = "Consensus"

    def ready(self):
        from consensus import benchmark, services
        from consensus.rating import personalize
        from consensus.views import annotate_page
        from occupations import annotations, benchmarks, conditional

        annotations.register(annotate_page)
        conditional.register_clock_check(services.rounds_close_due)
        annotations.register_personalizer(personalize)
        benchmarks.register("consensus", benchmark.section, benchmark.arguments)
