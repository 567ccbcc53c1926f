import Testing

/// The queue semantics every backend must show; each test runs once per entry of ``QueueBackends/all``, on fresh
/// storage with a ``TestClock``. The tests are spread over this folder by topic, as extensions of this suite.
@Suite("Queue contract")
struct QueueContract {}
