import Foundation

/// The progress report to the referring provider (issue 11): drafted from the data (each goal's baseline, latest value
/// and target with its measurements, the sessions attended against the visits authorized, the techniques used, the
/// precautions in force, the home program), then given a recommendation and a narrative, signed and locked by the
/// therapist like a note. The numbers are frozen at drafting, so the signed report says what the provider read.
public struct ProgressReport: Codable, Sendable, Equatable {
    public enum Recommendation: String, Codable, Sendable, CaseIterable {
        case continueCare = "continue"
        case change
        case discharge

        public var label: String {
            switch self {
            case .continueCare: "Continue the plan of care"
            case .change: "Change the plan of care"
            case .discharge: "Discharge"
            }
        }
    }

    public struct Point: Codable, Sendable, Equatable {
        public var date: CalendarDate
        public var value: Double

        public init(date: CalendarDate, value: Double) {
            self.date = date
            self.value = value
        }
    }

    public struct GoalLine: Codable, Sendable, Equatable {
        public var goal: String
        public var measure: String
        /// The measure, for its chart's scale and direction.
        public var measureRef: GoalMeasure?
        public var baseline: Double
        public var latest: Double?
        public var target: Double
        public var targetDate: CalendarDate
        public var status: String
        public var points: [Point]
        /// The team member's discipline and name ("Physical therapy · Pat Moreau, PT").
        public var owner: String?

        public init(goal: String, measure: String, measureRef: GoalMeasure?, baseline: Double, latest: Double?, target: Double, targetDate: CalendarDate,
                    status: String, points: [Point], owner: String? = nil) {
            self.owner = owner
            self.goal = goal
            self.measure = measure
            self.measureRef = measureRef
            self.baseline = baseline
            self.latest = latest
            self.target = target
            self.targetDate = targetDate
            self.status = status
            self.points = points
        }
    }

    /// The referral the report answers, with its counter when drafted.
    public struct ReferralLine: Codable, Sendable, Equatable {
        public var referralID: UUID
        public var title: String
        public var providerName: String?
        public var providerUserID: UUID?
        public var providerEmail: String?
        public var authorized: Int
        public var used: Int
        public var expires: CalendarDate

        public init(referralID: UUID, title: String, providerName: String?, providerUserID: UUID?, providerEmail: String?, authorized: Int, used: Int,
                    expires: CalendarDate) {
            self.referralID = referralID
            self.title = title
            self.providerName = providerName
            self.providerUserID = providerUserID
            self.providerEmail = providerEmail
            self.authorized = authorized
            self.used = used
            self.expires = expires
        }

        public var left: Int { max(0, self.authorized - self.used) }
    }

    public var periodStart: CalendarDate
    public var periodEnd: CalendarDate
    public var due: [ReportDueReason]
    public var referral: ReferralLine?
    public var goals: [GoalLine]
    public var sessionsInPeriod: Int
    public var sessionsTotal: Int
    public var techniques: [String]
    public var precautions: [String]
    public var homeProgram: [String]
    public var recommendation: Recommendation
    public var requestRenewal: Bool
    public var narrative: String

    public init(periodStart: CalendarDate, periodEnd: CalendarDate, due: [ReportDueReason], referral: ReferralLine?, goals: [GoalLine],
                sessionsInPeriod: Int, sessionsTotal: Int, techniques: [String], precautions: [String], homeProgram: [String],
                recommendation: Recommendation, requestRenewal: Bool, narrative: String) {
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.due = due
        self.referral = referral
        self.goals = goals
        self.sessionsInPeriod = sessionsInPeriod
        self.sessionsTotal = sessionsTotal
        self.techniques = techniques
        self.precautions = precautions
        self.homeProgram = homeProgram
        self.recommendation = recommendation
        self.requestRenewal = requestRenewal
        self.narrative = narrative
    }

    public static let maxNarrative = 8000

    /// The therapist's part: the recommendation, whether to ask for a renewed referral, and the narrative. Errors on
    /// `recommendation` and `narrative`.
    public func edited(recommendation: String?, requestRenewal: Bool?, narrative: String?) throws(ValidationFailure) -> ProgressReport {
        var v = AssessmentValidator()
        let r: Recommendation? = v.requiredChoice(recommendation, "recommendation", "Recommendation")
        let text = v.text(narrative, "narrative", "Narrative", max: Self.maxNarrative)
        try v.finish()
        var out = self
        out.recommendation = r!
        out.requestRenewal = requestRenewal ?? self.requestRenewal
        out.narrative = text ?? ""
        return out
    }

    /// Signing needs a narrative (the data alone is not a report).
    public func readyToSign() throws(ValidationFailure) {
        if Text.clean(self.narrative).isEmpty { throw ValidationFailure([FieldError("narrative", "Write the narrative before signing.")]) }
    }

    /// The canonical text the report's signature is computed over (the conventions of `SessionNoteCanonical`).
    public func canonicalForm(patientID: UUID, noteID: UUID, author: UUID, signedAt: Date) -> String {
        typealias C = SessionNoteCanonical
        var l: [(String, String)] = [
            ("version", C.string("knotwork-progress-report/1")),
            ("patient", C.uuid(patientID)), ("note", C.uuid(noteID)), ("author", C.uuid(author)), ("signedAt", C.instant(signedAt)),
            ("periodStart", self.periodStart.description), ("periodEnd", self.periodEnd.description),
            ("referral", C.optional(self.referral.map { C.uuid($0.referralID) })),
            ("referral.authorized", self.referral.map { String($0.authorized) } ?? "null"),
            ("referral.used", self.referral.map { String($0.used) } ?? "null"),
            ("referral.expires", self.referral.map { $0.expires.description } ?? "null"),
            ("sessionsInPeriod", String(self.sessionsInPeriod)), ("sessionsTotal", String(self.sessionsTotal)),
            ("goals.count", String(self.goals.count)),
        ]
        for (i, g) in self.goals.enumerated() {
            l += [("goals[\(i)].goal", C.string(g.goal)), ("goals[\(i)].measure", C.string(g.measure)),
                  ("goals[\(i)].baseline", C.string(measureText(g.baseline))), ("goals[\(i)].latest", C.optional(g.latest.map(measureText))),
                  ("goals[\(i)].target", C.string(measureText(g.target))), ("goals[\(i)].targetDate", g.targetDate.description),
                  ("goals[\(i)].status", C.string(g.status)), ("goals[\(i)].owner", C.optional(g.owner)),
                  ("goals[\(i)].points.count", String(g.points.count))]
            for (j, p) in g.points.enumerated() { l.append(("goals[\(i)].points[\(j)]", "\(p.date) \(measureText(p.value))")) }
        }
        for (name, list) in [("techniques", self.techniques), ("precautions", self.precautions), ("homeProgram", self.homeProgram)] {
            l.append(("\(name).count", String(list.count)))
            for (i, t) in list.enumerated() { l.append(("\(name)[\(i)]", C.string(t))) }
        }
        l += [("recommendation", C.string(self.recommendation.rawValue)), ("requestRenewal", self.requestRenewal ? "true" : "false"),
              ("narrative", C.string(self.narrative))]
        return C.text(l)
    }
}

/// Why a progress report is due.
public enum ReportDueReason: Codable, Sendable, Equatable {
    /// Signed visits since the last report reached the clinic's count.
    case visits(count: Int, every: Int)
    /// Days since the last report (or the plan's start) reached the clinic's interval.
    case days(elapsed: Int, every: Int)
    /// The referral runs out: few visits left or close to its expiry (the counter's alert thresholds).
    case referralEnding(visitsLeft: Int, daysLeft: Int)
    /// The plan is being closed: a discharge needs the last report.
    case discharge

    public var text: String {
        switch self {
        case .visits(let count, let every): "\(count) visits since the last report (every \(every))"
        case .days(let elapsed, let every): "\(elapsed) days since the last report (every \(every))"
        case .referralEnding(let visits, let days): "the referral ends: \(visits) visit\(visits == 1 ? "" : "s") left, \(days) day\(days == 1 ? "" : "s") to expiry"
        case .discharge: "discharge"
        }
    }
}

/// When a progress report falls due (issue 11): every N signed visits or every N days since the last signed report (or
/// the plan's start), before the referral runs out (at the visit-counter's alert thresholds), and at discharge. The
/// counts are the clinic's (`ProgressSettings`, 10 visits and 30 days by default; the reference has no rule of its own,
/// §3.1 only says "progress reports … at the end of each authorised block" ⚠️).
public enum ProgressReportDue {
    /// - Parameters:
    ///   - endingReported: the last signed report already told the provider that this referral ends (it is not due again
    ///     for that reason).
    public static func check(visitsSinceLast: Int, since: CalendarDate, today: CalendarDate, referral: VisitCounter?, endingReported: Bool = false,
                             discharging: Bool, settings: ProgressSettings = .standard, counters: CounterSettings = .standard) -> [ReportDueReason] {
        var due: [ReportDueReason] = []
        if visitsSinceLast >= settings.reEvaluationEveryVisits { due.append(.visits(count: visitsSinceLast, every: settings.reEvaluationEveryVisits)) }
        let elapsed = today.dayNumber - since.dayNumber
        if elapsed >= settings.reEvaluationEveryDays { due.append(.days(elapsed: elapsed, every: settings.reEvaluationEveryDays)) }
        if let r = referral, r.used > 0, !endingReported {
            let daysLeft = r.daysToExpiry(on: today)
            if r.left <= counters.alertVisitsLeft || daysLeft <= counters.alertDaysToExpiry {
                due.append(.referralEnding(visitsLeft: r.left, daysLeft: max(0, daysLeft)))
            }
        }
        if discharging { due.append(.discharge) }
        return due
    }
}
