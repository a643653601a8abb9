import Foundation

/// Sign-in throttling: OWASP ASVS v4.0.3 2.2.1 (anti-automation). Failures are counted per account
/// and per client address over a sliding window; past the limit sign-in answers 429 with Retry-After.
public struct ThrottlePolicy: Sendable, Equatable {
    public var window: TimeInterval
    public var maxFailuresPerAccount: Int
    public var maxFailuresPerAddress: Int

    public init(window: TimeInterval = 15 * 60, maxFailuresPerAccount: Int = 5, maxFailuresPerAddress: Int = 20) {
        self.window = window
        self.maxFailuresPerAccount = maxFailuresPerAccount
        self.maxFailuresPerAddress = maxFailuresPerAddress
    }

    /// Seconds to wait, or nil when another attempt is allowed.
    /// - Parameter failures: the times of failed attempts inside the window, for one key.
    public func retryAfter(failures: [Date], limit: Int, now: Date) -> Int? {
        let recent = failures.filter { now.timeIntervalSince($0) < self.window }.sorted()
        guard recent.count >= limit else { return nil }
        // Allowed again when enough of the oldest failures have left the window.
        let freeing = recent[recent.count - limit]
        return max(1, Int((freeing.addingTimeInterval(self.window).timeIntervalSince(now)).rounded(.up)))
    }
}
