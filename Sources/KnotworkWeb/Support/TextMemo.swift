import NIOConcurrencyHelpers

/// A bounded memo of a pure function of stored text that never changes once written (a recorded finding's body), shared
/// by every request of the process. Keyed by the text itself, so it can never answer for a different value; when full it
/// starts again (the working set of a clinic's open charts is far smaller than the bound).
final class TextMemo<Value: Sendable>: Sendable {
    private let table = NIOLockedValueBox<[String: Value]>([:])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func value(for text: String, _ make: (String) -> Value) -> Value {
        if let hit = self.table.withLockedValue({ $0[text] }) { return hit }
        let value = make(text)
        self.table.withLockedValue { table in
            if table.count >= self.limit { table.removeAll(keepingCapacity: true) }
            table[text] = value
        }
        return value
    }
}
