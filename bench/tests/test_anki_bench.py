"""The Anki import benchmark at a tiny size, so it does not rot."""

from bench.anki_bench import bench


def test_it_reads_every_note_of_the_package_it_generated():
    seconds, statements, size = bench(30)  # asserts itself that all 30 notes were read

    assert seconds > 0
    assert statements > 0  # what the importer asked of the collection, counted
    assert size > 1000  # the package's bytes
