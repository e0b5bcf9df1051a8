from django.apps import AppConfig


class OccupationsConfig(AppConfig):
    name = "occupations"
    verbose_name = "Proposals and occupations"

    def ready(self):
        # The reference data imports nothing of the proposal's apps: its section is
        # registered from here, where the benchmark lives.
        from occupations import benchmarks
        from reference import benchmark

        benchmarks.register("reference", benchmark.section)
