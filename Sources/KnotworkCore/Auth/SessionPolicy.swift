import Foundation

/// Session limits: ONC 170.315(d)(5) automatic access time-out; OWASP ASVS v4.0.3 3.3.2
/// (level 2: re-authenticate after 30 minutes idle or 12 hours).
public struct SessionPolicy: Sendable, Equatable {
    public var idleTimeout: TimeInterval
    public var absoluteTimeout: TimeInterval
    /// The last-seen time is written at most this often, so that every request is not a write.
    /// It bounds how much the idle time-out can overshoot.
    public var touchInterval: TimeInterval

    public init(idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600, touchInterval: TimeInterval = 30) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.touchInterval = min(touchInterval, idleTimeout / 4)
    }

    public enum Verdict: Equatable, Sendable {
        case valid(touch: Bool)
        case idleExpired
        case absoluteExpired
        case revoked
    }

    public func check(createdAt: Date, lastSeenAt: Date, revoked: Bool, now: Date) -> Verdict {
        if revoked { return .revoked }
        if now.timeIntervalSince(createdAt) >= self.absoluteTimeout { return .absoluteExpired }
        if now.timeIntervalSince(lastSeenAt) >= self.idleTimeout { return .idleExpired }
        return .valid(touch: now.timeIntervalSince(lastSeenAt) >= self.touchInterval)
    }
}
