"""Every static file survives `collectstatic` with the production storage (hashed
names, compressed copies), as `zhongzhi serve` runs it: a vendored file naming a
missing source map, say, would stop the platform from starting."""

from pathlib import Path

from django.core.management import call_command


def test_collectstatic_with_the_manifest_storage_takes_every_file(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    hashed = list((tmp_path / "vendor" / "chartjs").glob("chart.umd.min.*.js"))
    assert hashed and (tmp_path / "reports").is_dir()
