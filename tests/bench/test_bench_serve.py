"""`mapapp bench --serve`, short: real sessions against the real server, bounds not timings.

A few viewers change filters while two visitors flood the uploader with 9 MB
files (about 270 MB sent). Without the guard the server kept every byte (its
RSS grew by more than the flood); with it only what a session may hold is
read. Timings are reported by the bench, never asserted here.
"""

from __future__ import annotations

from mapapp.bench.serve import ServeOptions, run_kept_uploads, run_serve_bench

OPTIONS = ServeOptions(
    viewers=3,
    flooders=2,
    flood_files=12,
    forged_files=3,
    reruns=3,
    think_s=0.2,
    settle_s=10.0,
    events=30,
)
SENT_MB = OPTIONS.flooders * (OPTIONS.flood_files + OPTIONS.forged_files) * OPTIONS.file_mb


def test_floods_and_viewers_leave_memory_bounded_and_the_server_answering() -> None:
    report = run_serve_bench(OPTIONS)
    rss = report["rss_mb"]
    log = report.get("server_log_tail", "")

    # Two files a session are read; every other upload is refused before its body is.
    statuses = report["uploads"]["statuses"]
    assert statuses.get("204") == 2 * OPTIONS.flooders, statuses
    refused = OPTIONS.flooders * (OPTIONS.flood_files + OPTIONS.forged_files - 2)
    assert statuses.get("413", 0) + statuses.get("0", 0) == refused, statuses
    assert report["uploads"]["errors"] == []
    assert (
        "The upload was rejected; the map keeps its current data." in report["uploads"]["notices"]
    )

    # Bounds on memory: far under what was sent, and back near the start once all left.
    assert rss["peak_growth"] < min(200.0, SENT_MB / 2), (rss, log)
    assert rss["settled_minus_start"] < 100.0, (rss, log)

    # Every viewer got its map on every run; the health endpoint always answered.
    for viewer in report["viewers"]:
        assert viewer["error"] == "" and viewer["maps"] == viewer["runs"] == OPTIONS.reruns + 1
    assert report["health"]["checks"] > 0 and report["health"]["unanswered"] == 0


KEPT_OUTCOMES = {"kept", "refused: the server holds as many uploads as it may", "PUT 503"}


def test_uploads_kept_by_many_sessions_are_read_apart_and_leave_nothing_behind() -> None:
    """Six sessions each upload a 1,500-event itinerary with its article and keep the
    tab open, then close. Each upload is parsed in a child process: the server's
    own memory stays bounded and comes back; the readers are gone after."""
    report = run_kept_uploads(sessions=6, settle_s=15.0, events=1500)
    rss = report["rss_mb"]
    outcomes = report["outcomes"]
    assert set(outcomes) <= KEPT_OUTCOMES, outcomes  # a page that failed says something else
    assert outcomes.get("kept", 0) >= 1, outcomes
    assert sum(outcomes.values()) == 6

    # The parse ran in child processes (they held memory), and they are gone after:
    # only the fork server is left, holding what it imported.
    assert rss["children_peak"] > rss["children_settled"] > 0, rss
    # The server's own memory: bounded while the uploads were shown, back after.
    assert rss["peak_growth"] < 300.0, rss
    assert rss["settled_minus_start"] < 80.0, rss
    assert report["health_unanswered"] == 0
