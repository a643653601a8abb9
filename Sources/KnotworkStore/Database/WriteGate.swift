/// One write transaction at a time, in arrival order, for a database that has a single writer anyway (SQLite).
/// Without it, concurrent writers each begin a transaction and then spin in sqlite-nio's busy handler for the
/// file's write lock, burning CPU on both cores while the lock holder works (the signing benchmark spent more
/// time in `btreeBeginTrans`/`unixShmLock` retries than in its own work). Waiters here are suspended tasks, not
/// threads. PostgreSQL has row locks and needs no gate.
public actor WriteGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if self.held {
            await withCheckedContinuation { self.waiters.append($0) }
        } else {
            self.held = true
        }
        // Hand the gate to the next waiter directly, so that no newcomer overtakes it.
        defer {
            if self.waiters.isEmpty { self.held = false } else { self.waiters.removeFirst().resume() }
        }
        return try await body()
    }
}

extension Optional where Wrapped == WriteGate {
    /// Runs `body` through the gate when there is one.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard let gate = self else { return try await body() }
        return try await gate.run(body)
    }
}
