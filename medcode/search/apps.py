from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "medcode.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The search index is derived from releases: written and dropped in the transactions
        # that load and delete them (the loader calls these hooks; it does not import search).
        from medcode.releases import hooks
        from medcode.search import index
        from medcode.search.models import SearchEntry, SearchWord

        hooks.register(
            "search",
            loaded=index.index_release,
            dropping=index.drop_release,
            tables=lambda: [m._meta.db_table for m in (SearchEntry, SearchWord)],
            # One merge of SQLite's full-text index after a load, not after every release.
            settled=index.optimize_after,
        )
