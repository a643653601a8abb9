import Foundation

// Visit counters: which referral and which payer authorization a visit counts against, what is left, and when to
// warn. The alert thresholds (2 visits left, 7 days to expiry) are the clinic's settings; the defaults are those that
// WebPT documents for its authorization alerts, not a payer rule.

/// The clinic's thresholds for counter alerts.
public struct CounterSettings: Codable, Sendable, Equatable {
    public var alertVisitsLeft: Int
    public var alertDaysToExpiry: Int

    public init(alertVisitsLeft: Int = 2, alertDaysToExpiry: Int = 7) {
        self.alertVisitsLeft = alertVisitsLeft
        self.alertDaysToExpiry = alertDaysToExpiry
    }

    public static let standard = CounterSettings()
    public static let visitsLeftRange = 0...50
    public static let daysToExpiryRange = 0...90

    public func validate() throws(ValidationFailure) {
        var errors: [FieldError] = []
        if !Self.visitsLeftRange.contains(self.alertVisitsLeft) { errors.append(FieldError("alertVisitsLeft", "must be 0–50 visits")) }
        if !Self.daysToExpiryRange.contains(self.alertDaysToExpiry) { errors.append(FieldError("alertDaysToExpiry", "must be 0–90 days")) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}

/// One referral's or authorization's counter.
public struct VisitCounter: Sendable, Equatable {
    public var authorized: Int
    public var used: Int
    public var start: CalendarDate
    public var expiry: CalendarDate

    public init(authorized: Int, used: Int, start: CalendarDate, expiry: CalendarDate) {
        self.authorized = authorized
        self.used = used
        self.start = start
        self.expiry = expiry
    }

    public var left: Int { max(0, self.authorized - self.used) }
    /// Visits counted beyond the authorized ones (each with an override reason).
    public var overLimit: Int { max(0, self.used - self.authorized) }

    /// Days from `today` to the last valid day: 0 on the expiry day itself, negative once expired.
    public func daysToExpiry(on today: CalendarDate) -> Int { self.expiry.dayNumber - today.dayNumber }

    public func covers(_ date: CalendarDate) -> Bool { self.start <= date && date <= self.expiry }

    /// The status shown: a person's cancellation or pending receipt stands; otherwise an active referral is exhausted
    /// once its visits are used, and expired after its last day.
    public func status(stored: ReferralStatus, on today: CalendarDate) -> ReferralStatus {
        guard stored == .active else { return stored }
        if self.used >= self.authorized { return .exhausted }
        if today > self.expiry { return .expired }
        return .active
    }

    /// "3 of 12 left · 20 days to expiry".
    public func summary(on today: CalendarDate) -> String {
        let days = self.daysToExpiry(on: today)
        let expiry = days < 0 ? "expired \(self.expiry)" : days == 0 ? "expires today" : days == 1 ? "1 day to expiry" : "\(days) days to expiry"
        return "\(self.used) of \(self.authorized) used, \(self.left) left · \(expiry)"
    }

    /// The warnings due on `today`, for an active referral.
    public func alerts(on today: CalendarDate, settings: CounterSettings) -> [CounterAlert] {
        var out: [CounterAlert] = []
        if self.left == 0 {
            out.append(.exhausted)
        } else if self.left <= settings.alertVisitsLeft {
            out.append(.visitsLeft(self.left))
        }
        let days = self.daysToExpiry(on: today)
        if days < 0 {
            out.append(.expired)
        } else if days <= settings.alertDaysToExpiry {
            out.append(.expiresIn(days))
        }
        return out
    }
}

public enum CounterAlert: Sendable, Equatable {
    case visitsLeft(Int)
    case exhausted
    case expiresIn(Int)
    case expired

    public var message: String {
        switch self {
        case .visitsLeft(let n): n == 1 ? "1 visit left" : "\(n) visits left"
        case .exhausted: "no authorized visits left"
        case .expiresIn(let d): d == 0 ? "expires today" : d == 1 ? "expires tomorrow" : "expires in \(d) days"
        case .expired: "expired"
        }
    }
}

/// A referral or authorization as the coverage rule sees it.
public struct CoverageCandidate: Sendable, Equatable {
    public var id: UUID
    public var kind: ReferralKind
    public var status: ReferralStatus
    public var counter: VisitCounter

    public init(id: UUID, kind: ReferralKind, status: ReferralStatus, counter: VisitCounter) {
        self.id = id
        self.kind = kind
        self.status = status
        self.counter = counter
    }
}

/// What a visit on a date of service counts against, for one kind (orders or payer authorizations).
public enum Coverage: Sendable, Equatable {
    /// The patient has no active referral of this kind: nothing is counted, nothing is asked.
    case none
    /// The visit counts against this one.
    case counts(UUID)
    /// The visit would count against this one only with an override reason: its visits are used, or it has expired,
    /// or it does not cover the date.
    case needsOverride(UUID, CoverageProblem)

    public var referralID: UUID? {
        switch self {
        case .none: nil
        case .counts(let id), .needsOverride(let id, _): id
        }
    }

    public var problem: CoverageProblem? {
        if case .needsOverride(_, let p) = self { return p }
        return nil
    }

    /// The automatic choice: among active referrals of `kind` whose dates cover the visit and that have visits left,
    /// the one that expires first (so that no authorized visit is lost), then the one that started first. When none has
    /// visits left, the covering one that expires first needs an override; when none covers the date, the one that
    /// expired last before it does. A referral that has not started yet never takes the visit.
    public static func choose(_ kind: ReferralKind, on date: CalendarDate, among candidates: [CoverageCandidate]) -> Coverage {
        let active = candidates.filter { $0.kind == kind && $0.status == .active }
        if active.isEmpty { return .none }
        let order: (CoverageCandidate, CoverageCandidate) -> Bool = { a, b in
            (a.counter.expiry, a.counter.start, a.id.uuidString) < (b.counter.expiry, b.counter.start, b.id.uuidString)
        }
        let covering = active.filter { $0.counter.covers(date) }.sorted(by: order)
        if let open = covering.first(where: { $0.counter.left > 0 }) { return .counts(open.id) }
        if let used = covering.first { return .needsOverride(used.id, .exhausted) }
        if let last = active.filter({ $0.counter.expiry < date }).max(by: order) { return .needsOverride(last.id, .expired) }
        return .none
    }

    /// A person's choice of referral, in place of the automatic one: it must be an active one of the same kind; one
    /// that does not cover the date or has no visits left needs an override like the automatic choice would.
    public static func chosen(_ id: UUID, _ kind: ReferralKind, on date: CalendarDate, among candidates: [CoverageCandidate]) -> Coverage? {
        guard let c = candidates.first(where: { $0.id == id && $0.kind == kind && $0.status == .active }) else { return nil }
        if date > c.counter.expiry { return .needsOverride(id, .expired) }
        if date < c.counter.start { return .needsOverride(id, .notStarted) }
        return c.counter.left > 0 ? .counts(id) : .needsOverride(id, .exhausted)
    }
}

public enum CoverageProblem: String, Sendable, Equatable {
    case exhausted
    case expired
    case notStarted = "not_started"

    public func message(_ title: String, _ counter: VisitCounter) -> String {
        switch self {
        case .exhausted: "\(title) has no authorized visits left (\(counter.used) of \(counter.authorized) used)"
        case .expired: "\(title) expired on \(counter.expiry)"
        case .notStarted: "\(title) starts on \(counter.start)"
        }
    }
}

/// What a person decided about a visit's counting before signing or booking: another referral than the automatic one
/// (with the reason), and the reason to go beyond the authorized visits or dates.
public struct CoverageDecision: Codable, Sendable, Equatable {
    public var orderId: UUID?
    public var authorizationId: UUID?
    /// Why another referral or authorization than the automatic one (required when either is changed).
    public var changeReason: String?
    /// Why the visit goes beyond the last authorized visit or the dates (required then; audited and on the admin report).
    public var overrideReason: String?

    public init(orderId: UUID? = nil, authorizationId: UUID? = nil, changeReason: String? = nil, overrideReason: String? = nil) {
        self.orderId = orderId
        self.authorizationId = authorizationId
        self.changeReason = changeReason
        self.overrideReason = overrideReason
    }
}

/// The counting of one visit, resolved: for each kind what it counts against, and the reasons that go with it.
public struct ResolvedCoverage: Sendable, Equatable {
    public var order: Coverage
    public var authorization: Coverage
    public var changeReason: String?
    public var overrideReason: String?

    public var needsOverride: Bool { self.order.problem != nil || self.authorization.problem != nil }

    /// Resolves a decision against the patient's referrals. Errors: `orderId` / `authorizationId` (not an active one of
    /// the patient), `changeReason` (another choice without a reason), `overrideReason` (needed and missing).
    /// - Parameter describe: the message naming a referral's problem (its title and counter).
    public static func resolve(_ decision: CoverageDecision, on date: CalendarDate, among candidates: [CoverageCandidate],
                               describe: (UUID, CoverageProblem) -> String) throws(ValidationFailure) -> ResolvedCoverage {
        var v = AssessmentValidator()
        let changeReason = v.line(decision.changeReason, "changeReason", "Reason for the change", max: AssessmentLimits.statement)
        let overrideReason = v.line(decision.overrideReason, "overrideReason", "Override reason", max: AssessmentLimits.statement)
        func pick(_ kind: ReferralKind, _ id: UUID?, _ field: String) -> Coverage {
            let automatic = Coverage.choose(kind, on: date, among: candidates)
            guard let id, id != automatic.referralID else { return automatic }
            guard let chosen = Coverage.chosen(id, kind, on: date, among: candidates) else {
                v.add(field, kind == .order ? "Choose an active referral of this patient." : "Choose an active payer authorization of this patient.")
                return automatic
            }
            if changeReason == nil { v.add("changeReason", "Say why the visit counts against another \(kind.label.lowercased()) than the one chosen for its date.") }
            return chosen
        }
        let order = pick(.order, decision.orderId, "orderId")
        let authorization = pick(.authorization, decision.authorizationId, "authorizationId")
        let problems = [order, authorization].compactMap { c in c.problem.map { describe(c.referralID!, $0) } }
        if !problems.isEmpty && overrideReason == nil {
            v.add("overrideReason", problems.joined(separator: "; ") + ": give a reason to go beyond it.")
        }
        try v.finish()
        return ResolvedCoverage(order: order, authorization: authorization, changeReason: changeReason,
                                overrideReason: problems.isEmpty ? nil : overrideReason)
    }
}
